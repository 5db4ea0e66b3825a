package dev.launchline.drills;

import dev.launchline.support.Eventually;
import dev.launchline.support.Runbook;
import dev.launchline.support.TcpProxy;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident runbooks' own diagnosis and "it is over" commands, run as written against a
 * service in the state each runbook starts from: what the operator is told they will see is what
 * the service shows, and the recovery the runbook describes happens without a restart.
 */
class IncidentDrillTest {
    private static final Duration STEP = Duration.ofSeconds(30);

    @Test
    void mail_not_leaving_shows_as_degraded_with_mail_waiting_and_drains_once_smtp_is_back() {
        Runbook runbook = Runbook.load("incident-mail-not-leaving.md");
        try (TestStack stack = TestStack.start(Map.of("HEALTH_OUTBOX_OLDEST_PENDING_WARN_SECONDS", "1",
                "HEALTH_CACHE_SECONDS", "1"))) {
            Map<String, String> env = Map.of("API", "http://127.0.0.1:" + stack.env().get("PORT"));
            stack.stopSmtp();
            for (int i = 0; i < 3; i++) {
                assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups",
                        "{\"email\": \"waiting" + i + "@rocket-users.test\"}").status()).isEqualTo(202);
            }
            String seen = Eventually.get(() -> Optional.of(runbook.runOk("diagnose", env, Runbook.repository(), STEP))
                    .filter(output -> output.contains("oldest_pending_email_too_old")), Duration.ofSeconds(20));
            assertThat(seen).contains("\"status\":\"degraded\"", "\"undelivered\":3");

            stack.startSmtp();
            String over = Eventually.get(() -> Optional.of(runbook.runOk("over", env, Runbook.repository(), STEP))
                    .filter(output -> output.contains("\"undelivered\":0")), Duration.ofSeconds(60));
            assertThat(over.strip()).isEqualTo("\"undelivered\":0");
            stack.awaitOutboxDelivered();
            for (int i = 0; i < 3; i++) {
                assertThat(stack.mailTo("waiting" + i + "@rocket-users.test")).as("sent once").hasSize(1);
            }
        }
        System.out.println("drill incident-mail-not-leaving: degraded while SMTP was down, 3 mails waited, all sent once after");
    }

    @Test
    void database_down_shows_as_not_ready_and_is_over_without_a_restart() throws Exception {
        Runbook runbook = Runbook.load("incident-database-down.md");
        String database = TestDatabases.fresh();
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(database);
             TestStack stack = TestStack.start(Map.of("DATABASE_URL", proxy.jdbcUrl(database)))) {
            Map<String, String> env = Map.of("API", "http://127.0.0.1:" + stack.env().get("PORT"));
            proxy.cut();
            String seen = Eventually.get(() -> Optional.of(runbook.runOk("diagnose", env, Runbook.repository(), STEP))
                    .filter(output -> output.contains("not_ready")), Duration.ofSeconds(20));
            assertThat(seen.strip()).isEqualTo("{\"status\":\"not_ready\",\"checks\":{\"database\":{\"status\":\"down\"}}}");
            assertThat(runbook.runOk("over", env, Runbook.repository(), STEP).strip()).isEqualTo("503");

            proxy.restore();
            String over = Eventually.get(() -> Optional.of(runbook.runOk("over", env, Runbook.repository(), STEP))
                    .filter(output -> output.strip().equals("200")), Duration.ofSeconds(20));
            assertThat(over.strip()).isEqualTo("200");
        }
        System.out.println("drill incident-database-down: not_ready while cut, 200 again without a restart");
    }
}
