package dev.launchline.mail;

import dev.launchline.db.Database;
import dev.launchline.devstack.DevMailServer;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.metrics.MailMetrics;
import dev.launchline.support.Eventually;
import dev.launchline.support.MainProcess;
import dev.launchline.support.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash probe: the service is killed (SIGKILL, no shutdown) while it sends a queue of mail;
 * another sender then delivers what is left. Nothing is lost, and each of the killed instance's
 * senders sends at most the one email it had in hand again (same Message-ID). With a transaction per batch of 50, the emails a batch had
 * sent before the kill all went out twice.
 */
class OutboxCrashTest {
    private static final int QUEUED = 1500;
    private static final int SENDERS = 2;

    @Test
    void a_kill_mid_send_loses_nothing_and_duplicates_at_most_one_email_per_sender() throws Exception {
        try (OutboxRig rig = OutboxRig.start()) {
            String databaseUrl = rig.databaseUrl;
            int smtpPort = rig.smtpPort;
            Database database = rig.database;
            DevMailServer smtp = rig.smtp;
            OutboxRepository outbox = rig.outbox;
            for (int i = 0; i < QUEUED; i++) {
                outbox.enqueue(database.dsl(), new OutgoingEmail("test", "hello@launchline.test",
                        "queued" + i + "@rocket-users.test", Optional.empty(), "Hi", "text", "<p>html</p>",
                        Optional.empty()), null, null);
            }

            Process service = startService(databaseUrl, smtpPort);
            try {
                Eventually.get(() -> Optional.of(true).filter(any -> smtp.messages().size() >= QUEUED / 5),
                        Duration.ofSeconds(60));
                service.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, mid-send
                assertThat(service.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                service.destroyForcibly();
            }
            int sentBeforeTheKill = smtp.messages().size();
            assertThat(sentBeforeTheKill).as("killed mid-send").isLessThan(QUEUED);

            OutboxWorker survivor = new OutboxWorker(outbox, new SmtpMailer(new SmtpSettings("127.0.0.1", smtpPort,
                    Optional.empty(), Optional.empty(), SmtpSettings.Security.NONE, Duration.ofSeconds(5))),
                    DeferredRendering.NONE, new OutboxSettings(10, Duration.ofMillis(50), 50, Duration.ofMillis(100), Duration.ofSeconds(1), 1, 100),
                    (email, reason) -> { }, MailThrottle.NONE,
                    new MailMetrics(new SimpleMeterRegistry()), () -> 0);
            // what the dead senders held and had not sent is due again once PostgreSQL has seen
            // their connections close
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (outbox.backlog(outbox.now()).undelivered() > 0 && System.nanoTime() < deadline) {
                if (survivor.deliverBatch() == 0) {
                    Thread.sleep(100);
                }
            }
            survivor.close();

            List<String> messageIds = smtp.messages().stream().map(CapturedMail::messageId).toList();
            long distinct = messageIds.stream().distinct().count();
            long duplicates = messageIds.size() - distinct;
            System.out.printf("crash probe: %d sent before the kill, %d duplicates after it, %d of %d delivered%n",
                    sentBeforeTheKill, duplicates, distinct, QUEUED);
            assertThat(distinct).as("every queued email delivered").isEqualTo(QUEUED);
            assertThat(duplicates).as("at most the email in hand, per sender").isLessThanOrEqualTo(SENDERS);
        }
    }

    private static Process startService(String databaseUrl, int smtpPort) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APP_ENV", "test");
        env.put("PORT", String.valueOf(TestStack.freePort()));
        env.put("DATABASE_URL", databaseUrl);
        env.put("DATABASE_USER", "postgres");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_SECURITY", "none");
        env.put("TOKEN_SIGNING_KEY", TestStack.SIGNING_KEY);
        env.put("OUTBOX_SENDERS", String.valueOf(SENDERS));
        env.put("RATE_LIMIT_CONFIRMATION_MAILS", "off");
        ProcessBuilder builder = MainProcess.with(env)
                .redirectErrorStream(true)
                .redirectOutput(File.createTempFile("outbox-crash", ".log"));
        return builder.start();
    }
}
