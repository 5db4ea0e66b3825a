package dev.launchline;

import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.TcpProxy;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.MainProcess;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the database gone the service stays alive, reports not-ready, and answers 503 honestly and
 * at once; when the database comes back it takes requests again by itself. Started without a
 * database, it waits a bounded time and then exits with one line.
 */
class DatabaseOutageTest {
    private static final String SIGNUPS = "/api/v1/waitlists/launch/signups";

    @Test
    void without_a_database_signups_get_503_at_once_with_retry_after_and_readiness_fails_but_liveness_holds() {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + TestStack.freePort() + "/launchline";
        try (TestStack stack = TestStack.start(Map.of("DATABASE_URL", nowhere, "MIGRATE_ON_START", "false"))) {
            assertThat(stack.http().get("/healthz").status()).isEqualTo(200);
            signUpDuringOutage(stack, "first"); // finds out, waiting the pool's 5 s at most

            // from now on it is known: ten more signups would have taken 5 s each
            long started = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                signUpDuringOutage(stack, "during" + i);
                Http.Response ready = stack.http().get("/readyz");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().at("/checks/database/status").asText()).isEqualTo("down");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("ten signups and ten readiness checks answered without waiting for the pool")
                    .isLessThan(Duration.ofSeconds(5));
            // a leaderboard never read has nothing to show: the same honest 503
            Http.Response board = stack.http().get("/api/v1/waitlists/launch/leaderboard");
            assertThat(board.status()).as(board.body()).isEqualTo(503);
            assertThat(board.json().at("/error/code").asText()).isEqualTo("service_unavailable");
            String scrape = stack.http().get("/metrics").body();
            assertThat(scrape).contains("launchline_database_unreachable{environment=\"test\"} 1.0");
            assertThat(scrape).containsPattern("launchline_database_failed_fast_total\\{environment=\"test\"} [1-9]");
        }
    }

    @Test
    void when_the_database_comes_back_signups_are_taken_again_without_a_restart() throws Exception {
        String database = TestDatabases.fresh();
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(database);
             TestStack stack = TestStack.start(Map.of("DATABASE_URL", proxy.jdbcUrl(database)))) {
            assertThat(signUp(stack, "before").status()).isEqualTo(202);

            proxy.cut();
            signUpDuringOutage(stack, "first-during");
            signUpDuringOutage(stack, "second-during");

            proxy.restore();
            Eventually.get(() -> Optional.of(stack.http().get("/readyz")).filter(ready -> ready.status() == 200),
                    Duration.ofSeconds(10));
            assertThat(signUp(stack, "after").status()).isEqualTo(202);
            assertThat(stack.db().fetchCount(stack.db().selectFrom("signup"))).as("nothing of the refused ones").isEqualTo(2);
        }
    }

    @Test
    void started_without_a_database_it_waits_then_exits_69_with_one_line_and_no_credentials() throws Exception {
        int nothingThere = TestStack.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APP_ENV", "test");
        env.put("PORT", String.valueOf(TestStack.freePort()));
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + nothingThere + "/launchline?sslmode=disable");
        env.put("DATABASE_USER", "launchline");
        env.put("DATABASE_PASSWORD", "database-password-never-printed");
        env.put("DATABASE_START_TIMEOUT_SECONDS", "2");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(TestStack.freePort()));
        env.put("TOKEN_SIGNING_KEY", TestStack.SIGNING_KEY);
        ProcessBuilder builder = MainProcess.with(env)
                .redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isEqualTo(69);
        assertThat(output).contains("launchline: cannot start: the database at 127.0.0.1:" + nothingThere
                + "/launchline did not answer within 2 s (ConnectException: Connection refused)");
        assertThat(output).contains("not reachable yet"); // it did wait and retry first
        assertThat(output).doesNotContain("database-password-never-printed", "\tat ", "Exception in thread");
    }

    @Test
    void a_database_that_refuses_the_login_is_reported_at_once_not_waited_for() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APP_ENV", "test");
        env.put("PORT", String.valueOf(TestStack.freePort()));
        env.put("DATABASE_URL", TestDatabases.fresh());
        env.put("DATABASE_USER", "no_such_role");
        env.put("DATABASE_PASSWORD", "database-password-never-printed");
        env.put("DATABASE_START_TIMEOUT_SECONDS", "30");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(TestStack.freePort()));
        env.put("TOKEN_SIGNING_KEY", TestStack.SIGNING_KEY);
        Process process = MainProcess.with(env).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isEqualTo(69);
        assertThat(output).contains("refused the connection (PSQLException: FATAL:", "no_such_role",
                "check DATABASE_USER, the password and the database name");
        assertThat(output).doesNotContain("not reachable yet", "did not answer", // no 30 s of waiting for nothing
                "database-password-never-printed", "\tat ", "Exception in thread");
    }

    private static Http.Response signUp(TestStack stack, String who) {
        return stack.http().postJson(SIGNUPS, "{\"email\": \"" + who + "@rocket-users.test\"}");
    }

    private static void signUpDuringOutage(TestStack stack, String who) {
        Http.Response signup = signUp(stack, who);
        assertThat(signup.status()).as(signup.body()).isEqualTo(503);
        assertThat(signup.header("Retry-After")).isEqualTo("5");
        assertThat(signup.json().at("/error/code").asText()).isEqualTo("service_unavailable");
        assertThat(signup.body()).doesNotContain("Exception", "jdbc:", "127.0.0.1");
    }
}
