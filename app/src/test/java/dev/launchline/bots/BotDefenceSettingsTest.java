package dev.launchline.bots;

import dev.launchline.Config;
import dev.launchline.config.ConfigException;
import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bot-defence settings: defaults, every problem reported, secrets from files, the domain list. */
class BotDefenceSettingsTest {

    @Test
    void the_defaults_are_on_and_turnstile_is_off() {
        EnvironmentVariables env = new EnvironmentVariables(Map.of());
        BotDefenceSettings settings = BotDefenceSettings.load(env, Environment.DEV);

        assertThat(env.problems()).isEmpty();
        assertThat(settings.honeypotField()).isEqualTo("website");
        assertThat(settings.minFillTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.formTokenRequired()).isFalse();
        assertThat(settings.turnstileSecret()).isEmpty();
        assertThat(settings.turnstileTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.turnstileFailOpen()).isTrue();
        assertThat(settings.blockDisposableDomains()).isTrue();
        assertThat(settings.referralSameNetworkWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.unconfirmedRetention()).contains(Duration.ofDays(30));
    }

    @Test
    void every_bad_value_is_reported_and_no_secret_is_printed() {
        EnvironmentVariables env = new EnvironmentVariables(Map.of(
                "BOT_HONEYPOT_FIELD", "email",
                "BOT_MIN_FILL_SECONDS", "soon",
                "TURNSTILE_VERIFY_URL", "ftp://nope",
                "TURNSTILE_SECRET_KEY", "turnstile-secret-SENTINEL",
                "TURNSTILE_SECRET_KEY_FILE", "/also/a/file",
                "DISPOSABLE_DOMAINS_FILE", "/no/such/file.txt",
                "DISPOSABLE_DOMAINS_EXTRA", "ok.test, not a domain",
                "UNCONFIRMED_RETENTION_DAYS", "-1"));
        BotDefenceSettings.load(env, Environment.PRODUCTION);

        assertThat(String.join("\n", env.problems()))
                .contains("BOT_HONEYPOT_FIELD", "BOT_MIN_FILL_SECONDS", "TURNSTILE_VERIFY_URL", "TURNSTILE_SECRET_KEY",
                        "DISPOSABLE_DOMAINS_FILE", "DISPOSABLE_DOMAINS_EXTRA", "UNCONFIRMED_RETENTION_DAYS")
                .doesNotContain("turnstile-secret-SENTINEL");
    }

    @Test
    void the_turnstile_secret_can_come_from_a_file() throws IOException {
        Path file = Files.createTempFile("turnstile", ".secret");
        Files.writeString(file, "from-a-file\n");
        EnvironmentVariables env = new EnvironmentVariables(Map.of("TURNSTILE_SECRET_KEY_FILE", file.toString()));

        assertThat(BotDefenceSettings.load(env, Environment.PRODUCTION).turnstileSecret().orElseThrow().reveal())
                .isEqualTo("from-a-file");
    }

    @Test
    void a_honeypot_named_like_a_custom_field_stops_the_start() {
        Config config = Config.load(new EnvironmentVariables(Map.of("BOT_HONEYPOT_FIELD", "team_size")));

        // the dev default waitlist has a team_size custom field
        assertThatThrownBy(() -> config.bots().requireHoneypotUnused(config.funnels()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("BOT_HONEYPOT_FIELD");
    }

    @Test
    void form_token_cannot_be_a_custom_field() {
        assertThatThrownBy(() -> Config.load(new EnvironmentVariables(Map.of("FUNNELS",
                "{\"waitlists\": [{\"slug\": \"w\", \"name\": \"W\", \"public_url\": \"https://w.test/\","
                        + " \"custom_fields\": [\"form_token\"]}], \"forms\": []}"))))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void the_shipped_list_matches_listed_domains_and_their_subdomains_only() {
        DisposableDomains shipped = DisposableDomains.load(Optional.empty(), Set.of());

        assertThat(shipped.size()).isGreaterThan(100_000);
        assertThat(shipped.contains("mailinator.com")).isTrue();
        assertThat(shipped.contains("a.b.mailinator.com")).isTrue();
        assertThat(shipped.contains("gmail.com")).isFalse();
        assertThat(shipped.contains("com")).isFalse();
    }

    @Test
    void a_replacement_file_replaces_the_shipped_list_and_extra_domains_add_to_it() throws IOException {
        Path file = Files.createTempFile("disposable", ".txt");
        Files.writeString(file, "# our own list\nburner.test\n*.wild.test  # wildcard form\n");

        DisposableDomains replaced = DisposableDomains.load(Optional.of(file), Set.of("extra.test"));

        assertThat(replaced.contains("burner.test")).isTrue();
        assertThat(replaced.contains("x.wild.test")).isTrue();
        assertThat(replaced.contains("extra.test")).isTrue();
        assertThat(replaced.contains("mailinator.com")).isFalse();
    }
}
