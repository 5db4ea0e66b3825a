package dev.launchline.config;

import dev.launchline.support.MainProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** check-config --compare: two environments kept apart, told by name, never by value. */
class EnvironmentComparisonTest {
    private static final String SHARED_KEY = "shared-signing-key-Qm3vX8zL2pR7tW9yB4nK6cJ1";

    @Test
    void environments_kept_apart_pass_with_exit_0(@TempDir Path dir) throws Exception {
        Path staging = write(dir, "staging.env", staging());
        Path production = write(dir, "production.env", production());
        Run run = checkConfigCompare(staging, production);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("ok       DATABASE_URL: different databases",
                "ok       TOKEN_SIGNING_KEY: not shared", "are valid and kept apart",
                "set in both, different values: APP_ENV, DATABASE_PASSWORD, DATABASE_URL, PUBLIC_BASE_URL, SMTP_PASSWORD, TOKEN_SIGNING_KEY");
        assertNoValueOf(run.output(), staging(), production());
    }

    @Test
    void a_shared_database_and_signing_key_and_an_insecure_production_fail_with_exit_78(@TempDir Path dir) throws Exception {
        Map<String, String> staging = staging();
        staging.put("DATABASE_URL", "jdbc:postgresql://DB.internal/launchline"); // the same database, spelt otherwise
        staging.put("TOKEN_SIGNING_KEY", SHARED_KEY);
        Map<String, String> production = production();
        production.put("TOKEN_SIGNING_KEY", SHARED_KEY);
        production.put("SMTP_SECURITY", "none");
        production.put("ORIGIN_LOCK_SECRET", "Zr4Wq8Lm1Xn6Tb9Vc2Hd5Jp7Ks3Yf0Ua");
        Run run = checkConfigCompare(write(dir, "staging.env", staging), write(dir, "production.env", production));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(78);
        assertThat(run.output()).contains(
                "SHARED   DATABASE_URL: both use db.internal:5432/launchline",
                "SHARED   TOKEN_SIGNING_KEY: the same value in both",
                "INVALID  SMTP_SECURITY: none would send SMTP_USERNAME/SMTP_PASSWORD in clear text",
                "production.env: ORIGIN_LOCK_SECRET, SMTP_SECURITY",
                "problem(s)");
        assertNoValueOf(run.output(), staging, production);
    }

    @Test
    void production_reached_over_plain_http_is_refused(@TempDir Path dir) throws Exception {
        Map<String, String> production = production();
        production.put("PUBLIC_BASE_URL", "http://api.rocket.test");
        Run run = checkConfigCompare(write(dir, "staging.env", staging()), write(dir, "production.env", production));
        assertThat(run.exitCode()).as(run.output()).isEqualTo(78);
        assertThat(run.output()).containsPattern("(INVALID|INSECURE) +PUBLIC_BASE_URL");
    }

    @Test
    void a_missing_file_or_wrong_arguments_are_told_apart(@TempDir Path dir) throws Exception {
        Run missing = checkConfigCompare(dir.resolve("nope.env"), write(dir, "production.env", production()));
        assertThat(missing.exitCode()).isEqualTo(78);
        assertThat(missing.output()).contains("nope.env: file not found or not readable");
        Process usage = MainProcess.with(Map.of(), "check-config", "--compare", "only-one.env").redirectErrorStream(true).start();
        String printed = new String(usage.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(usage.waitFor()).isEqualTo(64);
        assertThat(printed).contains("--compare A.env B.env");
    }

    private static Map<String, String> staging() {
        Map<String, String> env = production();
        env.put("APP_ENV", "staging");
        env.put("PUBLIC_BASE_URL", "https://api.staging.rocket.test");
        env.put("DATABASE_URL", "jdbc:postgresql://db-staging.internal:5432/launchline");
        env.put("DATABASE_PASSWORD", "staging-db-password-value");
        env.put("SMTP_PASSWORD", "staging-smtp-password-value");
        env.put("TOKEN_SIGNING_KEY", "staging-signing-key-Hd5sF1gA8uE3oI6rT0wZ9xV2");
        return env;
    }

    private static Map<String, String> production() {
        Map<String, String> env = new TreeMap<>(ConfigTest.productionEnv());
        env.remove("FUNNELS"); // JSON does not fit one env-file line as written there
        env.put("FUNNELS_FILE", Path.of("config/funnels.example.json").toAbsolutePath().toString());
        return env;
    }

    private static void assertNoValueOf(String output, Map<String, String> a, Map<String, String> b) {
        for (Map<String, String> env : java.util.List.of(a, b)) {
            env.forEach((name, value) -> {
                if (name.endsWith("PASSWORD") || name.endsWith("KEY") || name.endsWith("SECRET")) {
                    assertThat(output).as(name + "'s value").doesNotContain(value);
                }
            });
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run checkConfigCompare(Path a, Path b) throws Exception {
        Process process = MainProcess.with(Map.of(), "check-config", "--compare", a.toString(), b.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    private static Path write(Path dir, String name, Map<String, String> env) throws IOException {
        return Files.writeString(dir.resolve(name), env.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining("\n", "", "\n")));
    }
}
