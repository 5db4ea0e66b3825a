package dev.launchline.ratelimit;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitSettingsTest {

    @Test
    void the_defaults_limit_every_route_and_share_nothing_without_redis() {
        EnvironmentVariables env = new EnvironmentVariables(Map.of());
        RateLimitSettings settings = RateLimitSettings.load(env, Environment.PRODUCTION);

        assertThat(env.problems()).isEmpty();
        assertThat(settings.signupsPerClient()).contains(new Limit("signups-per-ip", 20, Duration.ofMinutes(1)));
        assertThat(settings.perEmail()).contains(new Limit("per-email", 5, Duration.ofHours(1)));
        assertThat(settings.confirmationMails()).contains(new Limit("confirmation-mails", 300, Duration.ofMinutes(1)));
        assertThat(settings.redis()).isEmpty();
    }

    @Test
    void limits_are_count_slash_period_or_off() {
        EnvironmentVariables env = new EnvironmentVariables(Map.of("RATE_LIMIT_SIGNUPS_PER_IP", "100/30s",
                "RATE_LIMIT_PER_EMAIL", "3/d", "RATE_LIMIT_CONFIRMATION_MAILS", "OFF"));
        RateLimitSettings settings = RateLimitSettings.load(env, Environment.PRODUCTION);

        assertThat(env.problems()).isEmpty();
        assertThat(settings.signupsPerClient()).contains(new Limit("signups-per-ip", 100, Duration.ofSeconds(30)));
        assertThat(settings.perEmail()).contains(new Limit("per-email", 3, Duration.ofDays(1)));
        assertThat(settings.confirmationMails()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "10", "0/1m", "10/0m", "10/1w", "-1/1m", "10 per minute"})
    void a_malformed_limit_is_a_problem_naming_the_variable(String value) {
        EnvironmentVariables env = new EnvironmentVariables(Map.of("RATE_LIMIT_FORMS_PER_IP", value));
        RateLimitSettings.load(env, Environment.PRODUCTION);

        assertThat(env.problems()).singleElement().asString()
                .startsWith("RATE_LIMIT_FORMS_PER_IP: must be COUNT/PERIOD such as 20/1m");
    }

    @Test
    void a_malformed_redis_url_is_reported_without_its_password_and_a_good_one_is_kept_secret() {
        EnvironmentVariables bad = new EnvironmentVariables(Map.of("REDIS_URL", "redis://:hunter2-secret@", "REDIS_TIMEOUT_MS", "0"));
        RateLimitSettings.load(bad, Environment.PRODUCTION);
        assertThat(bad.problems()).hasSize(2).noneMatch(problem -> problem.contains("hunter2"));
        assertThat(bad.problems()).anyMatch(problem -> problem.startsWith("REDIS_URL: must be a redis://"))
                .anyMatch(problem -> problem.startsWith("REDIS_TIMEOUT_MS:"));

        EnvironmentVariables good = new EnvironmentVariables(Map.of("REDIS_URL", "redis://:hunter2-secret@redis.internal:6379/0"));
        RateLimitSettings settings = RateLimitSettings.load(good, Environment.PRODUCTION);
        assertThat(good.problems()).isEmpty();
        assertThat(settings.redis().orElseThrow().timeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(settings.toString()).doesNotContain("hunter2");
    }
}
