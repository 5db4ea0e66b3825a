package dev.launchline.config;

import dev.launchline.Config;
import dev.launchline.Main;
import dev.launchline.funnel.Leaderboard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigTest {

    @Test
    void production_without_configuration_lists_every_missing_variable_at_once() {
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(Map.of("APP_ENV", "production"))));
        assertThat(error.problems()).extracting(problem -> problem.substring(0, problem.indexOf(':')))
                .containsExactlyInAnyOrder("PUBLIC_BASE_URL", "DATABASE_URL", "SMTP_HOST", "MAIL_FROM",
                        "TOKEN_SIGNING_KEY", "FUNNELS_FILE");
    }

    @Test
    void malformed_values_are_named_but_never_echoed() {
        Map<String, String> env = productionEnv();
        env.put("PORT", "eighty-eighty");
        env.put("DATABASE_URL", "jdbc:postgresql://db/launchline?password=hunter2-do-not-print");
        env.put("TOKEN_SIGNING_KEY", "short-secret-value");
        env.put("SMTP_SECURITY", "maybe");
        env.put("PUBLIC_BASE_URL", "http://plain-http.example");
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).hasSize(5);
        assertThat(String.join("\n", error.problems()) + error.getMessage())
                .contains("PORT", "DATABASE_URL", "TOKEN_SIGNING_KEY", "SMTP_SECURITY", "PUBLIC_BASE_URL")
                .doesNotContain("hunter2", "short-secret-value", "eighty-eighty", "maybe");
    }

    @Test
    void mail_senders_may_take_at_most_half_of_the_database_pool() {
        Map<String, String> env = new HashMap<>(Map.of("APP_ENV", "dev", "DATABASE_URL", "jdbc:postgresql://db.internal/launchline",
                "DATABASE_POOL_SIZE", "6", "OUTBOX_SENDERS", "4"));
        ConfigException error = catchThrowableOfType(ConfigException.class, () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).singleElement().asString().startsWith("OUTBOX_SENDERS").contains("DATABASE_POOL_SIZE (6)");
        env.put("OUTBOX_SENDERS", "3");
        assertThat(Config.load(new EnvironmentVariables(env)).outbox().senders()).isEqualTo(3);
    }

    @Test
    void edge_settings_are_checked_and_the_origin_lock_secret_is_never_echoed() {
        Map<String, String> env = productionEnv();
        env.put("TRUSTED_PROXIES", "cloudflare, 10.0.0.0/33");
        env.put("ORIGIN_LOCK_SECRET", "too-short-lock");
        env.put("ORIGIN_LOCK_HEADER", "X Bad Header");
        env.put("DATABASE_MIGRATION_PASSWORD", "migrator-pw-value");
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).extracting(problem -> problem.substring(0, problem.indexOf(':')))
                .containsExactlyInAnyOrder("TRUSTED_PROXIES", "ORIGIN_LOCK_SECRET", "ORIGIN_LOCK_HEADER",
                        "DATABASE_MIGRATION_PASSWORD");
        assertThat(String.join("\n", error.problems())).doesNotContain("too-short-lock", "migrator-pw-value");
    }

    @Test
    void a_previous_origin_lock_secret_is_checked_like_the_current_one_and_needs_it() {
        Map<String, String> env = productionEnv();
        env.put("ORIGIN_LOCK_SECRET_PREVIOUS", "weak-previous");
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(String.join("\n", error.problems()))
                .contains("ORIGIN_LOCK_SECRET_PREVIOUS: set ORIGIN_LOCK_SECRET too")
                .doesNotContain("weak-previous");
        assertThat(error.problems()).filteredOn(problem -> problem.startsWith("ORIGIN_LOCK_SECRET_PREVIOUS")).hasSize(2);
    }

    @Test
    void trusted_proxies_may_name_cloudflare_and_a_replacement_list() throws IOException {
        Path ranges = Files.createTempFile("cloudflare-ips", ".txt");
        Files.writeString(ranges, "# refreshed by hand\n198.51.100.0/24\n");
        Map<String, String> env = productionEnv();
        env.put("TRUSTED_PROXIES", "cloudflare,10.1.2.3");
        env.put("CLOUDFLARE_IP_RANGES_FILE", ranges.toString());
        Config config = Config.load(new EnvironmentVariables(env));
        assertThat(config.edge().trustedProxies().isEmpty()).isFalse();
        assertThat(config.edge().trustedProxies().trusts(new inet.ipaddr.IPAddressString("198.51.100.9").getAddress()))
                .isTrue();
        assertThat(config.edge().trustedProxies().trusts(new inet.ipaddr.IPAddressString("104.16.0.1").getAddress()))
                .as("the shipped list is replaced, not extended").isFalse();
    }

    @Test
    void a_malformed_line_in_the_replacement_list_fails_the_check_naming_trusted_proxies() throws IOException {
        Path ranges = Files.createTempFile("cloudflare-ips", ".txt");
        Files.writeString(ranges, "198.51.100.0/24\n<html>rate limited</html>\n");
        Map<String, String> env = productionEnv();
        env.put("TRUSTED_PROXIES", "cloudflare");
        env.put("CLOUDFLARE_IP_RANGES_FILE", ranges.toString());
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error).as("a malformed list must fail the start").isNotNull();
        assertThat(error.problems()).anySatisfy(problem -> assertThat(problem).contains("TRUSTED_PROXIES"));
    }

    @Test
    void bounce_and_complaint_settings_are_checked_and_the_signing_key_never_echoed() {
        Map<String, String> env = productionEnv();
        env.put("SES_SNS_TOPIC_ARNS", "arn:aws:sns:eu-west-1:123456789012:ses-feedback, not-an-arn");
        env.put("SES_SNS_HOST_PATTERN", "sns.(unclosed");
        env.put("SUPPRESSION_BOUNCE_RETRY_DAYS", "-1");
        env.put("MAILGUN_WEBHOOK_SIGNING_KEY", "mailgun-key-never-printed");
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).hasSize(3)
                .anySatisfy(problem -> assertThat(problem).startsWith("SES_SNS_TOPIC_ARNS"))
                .anySatisfy(problem -> assertThat(problem).startsWith("SES_SNS_HOST_PATTERN"))
                .anySatisfy(problem -> assertThat(problem).startsWith("SUPPRESSION_BOUNCE_RETRY_DAYS"));
        assertThat(error.getMessage()).doesNotContain("mailgun-key-never-printed", "not-an-arn");

        env.put("SES_SNS_TOPIC_ARNS", "arn:aws:sns:eu-west-1:123456789012:ses-feedback");
        env.remove("SES_SNS_HOST_PATTERN");
        env.remove("SUPPRESSION_BOUNCE_RETRY_DAYS");
        var suppression = Config.load(new EnvironmentVariables(env)).suppression();
        assertThat(suppression.allowPlainHttp()).as("production fetches certificates over https only").isFalse();
        assertThat(suppression.snsHostPattern().matcher("sns.eu-west-1.amazonaws.com").matches()).isTrue();
        assertThat(suppression.snsHostPattern().matcher("sns.eu-west-1.amazonaws.com.evil.test").matches()).isFalse();
        assertThat(suppression.bounceRetryAfter()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(suppression.mailgunSigningKey().orElseThrow().toString()).doesNotContain("mailgun-key");
    }

    @Test
    void an_allowed_origin_with_a_path_is_refused() {
        Map<String, String> env = new HashMap<>(Map.of("APP_ENV", "test", "FUNNELS", """
                {"waitlists": [{"slug": "w", "public_url": "https://w.test/", "allowed_origins": ["https://w.test/landing"]}]}
                """));
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).singleElement().asString().contains("allowed_origins");
    }

    @Test
    void a_consent_version_that_is_not_a_short_label_is_refused() {
        Map<String, String> env = new HashMap<>(Map.of("APP_ENV", "test", "FUNNELS", """
                {"waitlists": [{"slug": "w", "public_url": "https://w.test/", "consent_version": "I agree to everything"}]}
                """));
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).singleElement().asString().contains("consent_version", "privacy-2026-11");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:postgresql://launchline:SECRET-in-url@db.internal:5432/launchline",
            "jdbc:postgresql://launchline@db.internal:5432/launchline",
            "jdbc:postgresql://db.internal/launchline?user=app&PassWord=SECRET-in-url",
            "jdbc:postgresql://db.internal/launchline?user=app&%70assword=SECRET-in-url",
            "jdbc:postgresql://db.internal/launchline?sslpassword=SECRET-in-url",
            "jdbc:postgresql://db.internal/launchline?%zz&password=SECRET-in-url"})
    void credentials_anywhere_in_the_database_url_are_refused_without_being_echoed(String url) {
        Map<String, String> env = productionEnv();
        env.put("DATABASE_URL", url);
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).singleElement().asString().startsWith("DATABASE_URL");
        assertThat(error.getMessage()).doesNotContain("SECRET-in-url", "launchline:", "db.internal");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "passwordpasswordpasswordpassword",
            "change-me-change-me-change-me-change-me",
            "abcdefghijklmn-abcdefghijklmn-abcdefghijklmn-",
            "my-Launchline-signing-Secret-2026-for-rocket",
            "short-but-random-Xq7"})
    void a_weak_signing_key_metrics_token_or_origin_lock_secret_is_refused_without_being_echoed(String weak) {
        for (String variable : List.of("TOKEN_SIGNING_KEY", "METRICS_TOKEN", "ORIGIN_LOCK_SECRET")) {
            Map<String, String> env = productionEnv();
            env.put(variable, weak);
            if (variable.equals("ORIGIN_LOCK_SECRET")) {
                env.put("TRUSTED_PROXIES", "cloudflare");
            }
            ConfigException error = catchThrowableOfType(ConfigException.class,
                    () -> Config.load(new EnvironmentVariables(env)));
            assertThat(error).as(variable).isNotNull();
            assertThat(error.problems()).as(variable).anySatisfy(problem -> assertThat(problem).startsWith(variable));
            assertThat(error.getMessage()).doesNotContain(weak);
        }
    }

    @Test
    void a_generated_secret_passes_the_strength_rules() {
        Map<String, String> env = productionEnv();
        env.put("TOKEN_SIGNING_KEY", "q2Vx7P9mL0sT4bN8cW1zR6yK3hJ5dF+G/aE=");
        assertThat(Config.load(new EnvironmentVariables(env)).tokenSigningKey()).isPresent();
    }

    @Test
    void smtp_credentials_over_an_unencrypted_connection_are_refused_in_production() {
        Map<String, String> env = productionEnv();
        env.put("SMTP_SECURITY", "none");
        ConfigException error = catchThrowableOfType(ConfigException.class,
                () -> Config.load(new EnvironmentVariables(env)));
        assertThat(error.problems()).singleElement().asString().startsWith("SMTP_SECURITY").contains("clear text");
        assertThat(error.getMessage()).doesNotContain("smtp-password-value");
    }

    @Test
    void a_complete_production_configuration_loads_and_hides_its_secrets() {
        Config config = Config.load(new EnvironmentVariables(productionEnv()));
        assertThat(config.environment()).isEqualTo(Environment.PRODUCTION);
        assertThat(config.database()).isPresent();
        assertThat(config.toString()).doesNotContain("db-password-value", "smtp-password-value",
                "production-signing-key-0123456789abcdefghij");
    }

    @Test
    void secrets_can_come_from_files() throws IOException {
        Path file = Files.createTempFile("signing-key", ".txt");
        Files.writeString(file, "key-from-a-file-0123456789abcdefghijklmnop\n");
        Map<String, String> env = productionEnv();
        env.remove("TOKEN_SIGNING_KEY");
        env.put("TOKEN_SIGNING_KEY_FILE", file.toString());
        assertThat(Config.load(new EnvironmentVariables(env)).tokenSigningKey().orElseThrow().reveal())
                .isEqualTo("key-from-a-file-0123456789abcdefghijklmnop");
    }

    @Test
    void a_secret_file_with_more_than_the_secret_is_refused_without_echoing_it() throws IOException {
        Path file = Files.createTempFile("signing-key", ".txt");
        Files.writeString(file, "key-from-a-file-0123456789abcdefghijklmnop\n# created. Store it now.\n");
        Map<String, String> env = productionEnv();
        env.remove("TOKEN_SIGNING_KEY");
        env.put("TOKEN_SIGNING_KEY_FILE", file.toString());
        assertThatThrownBy(() -> Config.load(new EnvironmentVariables(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TOKEN_SIGNING_KEY_FILE: the file holds more than one line")
                .message().doesNotContain("key-from-a-file");
    }

    @Test
    void a_typo_in_the_funnels_file_fails_the_start() {
        Map<String, String> env = productionEnv();
        env.put("FUNNELS", "{\"waitlists\": [{\"slug\": \"beta\", \"public_url\": \"https://x.test\", \"refferal_boost\": 3}]}");
        assertThatThrownBy(() -> Config.load(new EnvironmentVariables(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("refferal_boost");
    }

    @Test
    void a_waitlist_may_name_where_its_invites_lead_and_it_must_be_an_absolute_url() {
        Map<String, String> env = productionEnv();
        env.put("FUNNELS", "{\"waitlists\": [{\"slug\": \"beta\", \"public_url\": \"https://x.test\","
                + " \"invite_url\": \"https://app.x.test/join\"}]}");
        assertThat(Config.load(new EnvironmentVariables(env)).funnels().waitlist("beta").orElseThrow().inviteLink("T"))
                .isEqualTo("https://app.x.test/join?invite=T");
        env.put("FUNNELS", "{\"waitlists\": [{\"slug\": \"beta\", \"public_url\": \"https://x.test\","
                + " \"invite_url\": \"/join\"}]}");
        assertThatThrownBy(() -> Config.load(new EnvironmentVariables(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invite_url must be an absolute http(s) URL");
    }

    @Test
    void a_waitlist_has_no_leaderboard_unless_it_asks_for_one_and_an_empty_one_takes_the_defaults() {
        Map<String, String> env = productionEnv();
        env.put("FUNNELS", """
                {"waitlists": [{"slug": "quiet", "public_url": "https://rocket.test"},
                               {"slug": "loud", "public_url": "https://rocket.test", "leaderboard": {}}]}""");
        Config config = Config.load(new EnvironmentVariables(env));
        assertThat(config.funnels().waitlist("quiet").orElseThrow().leaderboard()).isEmpty();
        assertThat(config.funnels().waitlist("loud").orElseThrow().leaderboard())
                .contains(new Leaderboard(10, Duration.ofSeconds(15)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"size\": 0}                            | leaderboard.size must be from 1 to 100",
            "{\"size\": 101}                          | leaderboard.size must be from 1 to 100",
            "{\"cache_seconds\": 0}                   | leaderboard.cache_seconds must be from 1 to 300",
            "{\"cache_seconds\": 3600}                | leaderboard.cache_seconds must be from 1 to 300",
            "{\"sise\": 10}                           | unknown key \"sise\""})
    void a_leaderboard_out_of_range_or_misspelt_fails_the_start_saying_what_is_wrong(String leaderboard, String problem) {
        Map<String, String> env = productionEnv();
        env.put("FUNNELS", "{\"waitlists\": [{\"slug\": \"beta\", \"public_url\": \"https://x.test\", "
                + "\"leaderboard\": " + leaderboard + "}]}");
        assertThatThrownBy(() -> Config.load(new EnvironmentVariables(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void dev_needs_nothing_and_falls_back_to_the_embedded_parts() {
        Config config = Config.load(new EnvironmentVariables(Map.of()));
        assertThat(config.environment()).isEqualTo(Environment.DEV);
        assertThat(config.database()).isEmpty();
        assertThat(config.smtp()).isEmpty();
        assertThat(config.funnels().waitlist("launch")).isPresent();
    }

    @Test
    void the_check_config_command_exits_78_and_prints_every_problem() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "check-config")
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("APP_ENV", "staging");
        builder.environment().put("SMTP_PASSWORD", "smtp-secret-never-printed");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isEqualTo(78);
        assertThat(output).contains("DATABASE_URL", "SMTP_HOST", "TOKEN_SIGNING_KEY", "6 problems")
                .doesNotContain("smtp-secret-never-printed");
    }

    @Test
    void the_shipped_example_files_are_a_valid_production_configuration() throws IOException {
        // the example points at secret files under /run/secrets; stand them in with temp files
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("config/production.env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        for (String secret : new String[] {"DATABASE_PASSWORD", "DATABASE_MIGRATION_PASSWORD", "SMTP_PASSWORD",
                "TOKEN_SIGNING_KEY", "ORIGIN_LOCK_SECRET"}) {
            Path file = Files.createTempFile(secret, ".secret");
            Files.writeString(file, java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID()); // random, as generated
            env.put(secret + "_FILE", file.toString());
        }
        env.put("FUNNELS_FILE", "config/funnels.example.json");
        Config config = Config.load(new EnvironmentVariables(env));
        assertThat(config.funnels().waitlist("beta").orElseThrow().referralBoost()).isEqualTo(5);
        assertThat(config.funnels().waitlist("beta").orElseThrow().leaderboard())
                .contains(new Leaderboard(10, Duration.ofSeconds(15)));
        assertThat(config.funnels().form("sales").orElseThrow().recipients()).containsExactly("sales@rocket.example");
    }

    static Map<String, String> productionEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("APP_ENV", "production");
        env.put("PUBLIC_BASE_URL", "https://api.rocket.test");
        env.put("DATABASE_URL", "jdbc:postgresql://db.internal:5432/launchline");
        env.put("DATABASE_USER", "launchline");
        env.put("DATABASE_PASSWORD", "db-password-value");
        env.put("SMTP_HOST", "smtp.rocket.test");
        env.put("SMTP_USERNAME", "apikey");
        env.put("SMTP_PASSWORD", "smtp-password-value");
        env.put("MAIL_FROM", "Rocket <hello@rocket.test>");
        env.put("TOKEN_SIGNING_KEY", "production-signing-key-0123456789abcdefghij");
        env.put("FUNNELS", "{\"waitlists\": [{\"slug\": \"beta\", \"public_url\": \"https://rocket.test\"}]}");
        return env;
    }

}
