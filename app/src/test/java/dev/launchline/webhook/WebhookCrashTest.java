package dev.launchline.webhook;

import dev.launchline.db.Database;
import dev.launchline.support.Eventually;
import dev.launchline.support.MainProcess;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.launchline.db.schema.Tables.WEBHOOK_DELIVERY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash probe for webhooks: the service is killed (SIGKILL) while it delivers a queue of
 * events; another sender then delivers what is left once the dead one's leases run out. Nothing is
 * lost, and what is sent twice is at most what was in flight at the kill, with the same webhook-id.
 */
class WebhookCrashTest {
    private static final int QUEUED = 600;
    private static final int CONCURRENCY = 8;
    private static final String SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Test
    void a_kill_mid_delivery_loses_no_event_and_repeats_only_those_in_flight() throws Exception {
        String databaseUrl = TestDatabases.fresh();
        try (Database database = new Database(databaseUrl, Optional.of("postgres"), Optional.empty(), 2);
             LocalWebhookReceiver receiver = new LocalWebhookReceiver(SECRET)) {
            database.migrate();
            WebhookRepository deliveries = new WebhookRepository(database.dsl(), Clock.systemUTC());
            for (int i = 0; i < QUEUED; i++) {
                deliveries.enqueue(database.dsl(), "crm", "lead.created", null, null,
                        "{\"type\": \"lead.created\", \"data\": {\"n\": " + i + "}}");
            }
            Map<String, String> env = env(databaseUrl, receiver.url());

            Process service = MainProcess.with(env)
                    .redirectErrorStream(true)
                    .redirectOutput(File.createTempFile("webhook-crash", ".log"))
                    .start();
            try {
                Eventually.get(() -> Optional.of(true).filter(any -> receiver.received().size() >= QUEUED / 5),
                        Duration.ofSeconds(60));
                service.destroyForcibly(); // SIGKILL: mid-delivery, no shutdown
                assertThat(service.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                service.destroyForcibly();
            }
            int beforeTheKill = receiver.received().size();
            assertThat(beforeTheKill).as("killed mid-delivery").isLessThan(QUEUED);

            WebhookSettings settings = WebhookSettings.load(new dev.launchline.config.EnvironmentVariables(env),
                    dev.launchline.config.Environment.TEST, funnels());
            try (WebhookSender survivor = new WebhookSender(deliveries, settings, Clock.systemUTC(), new SimpleMeterRegistry())
                    .start()) {
                Eventually.get(() -> Optional.of(true).filter(any -> database.dsl().fetchCount(WEBHOOK_DELIVERY,
                        WEBHOOK_DELIVERY.STATUS.ne("delivered")) == 0), Duration.ofSeconds(60));
            }

            List<String> ids = receiver.received().stream().map(LocalWebhookReceiver.Received::webhookId).toList();
            Set<String> distinct = Set.copyOf(ids);
            System.out.printf("webhook crash probe: %d delivered before the kill, %d repeated after it, %d of %d delivered%n",
                    beforeTheKill, ids.size() - distinct.size(), distinct.size(), QUEUED);
            assertThat(distinct).as("every event delivered").hasSize(QUEUED);
            assertThat(ids.size() - distinct.size()).as("at most those in flight").isLessThanOrEqualTo(CONCURRENCY);
            assertThat(receiver.unverified()).isZero();
        }
    }

    private static Map<String, String> env(String databaseUrl, String receiverUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APP_ENV", "test");
        env.put("PORT", String.valueOf(TestStack.freePort()));
        env.put("DATABASE_URL", databaseUrl);
        env.put("DATABASE_USER", "postgres");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(TestStack.freePort()));
        env.put("SMTP_SECURITY", "none");
        env.put("TOKEN_SIGNING_KEY", TestStack.SIGNING_KEY);
        env.put("FUNNELS", "{\"forms\": [{\"slug\": \"contact\", \"recipients\": [\"sales@rocket.test\"]}]}");
        env.put("WEBHOOKS", "{\"endpoints\": [{\"id\": \"crm\", \"url\": \"" + receiverUrl + "\", "
                + "\"events\": [\"lead.created\"], \"secret_env\": \"CRM_SECRET\"}]}");
        env.put("CRM_SECRET", SECRET);
        env.put("WEBHOOK_CONCURRENCY", String.valueOf(CONCURRENCY));
        env.put("WEBHOOK_TIMEOUT_MS", "500"); // the dead instance's leases run out 6 s after it took them
        env.put("WEBHOOK_POLL_INTERVAL_MS", "50");
        return env;
    }

    private static dev.launchline.funnel.Funnels funnels() {
        return dev.launchline.funnel.Funnels.parse("{\"forms\": [{\"slug\": \"contact\", \"recipients\": [\"sales@rocket.test\"]}]}",
                "FUNNELS", new dev.launchline.config.EnvironmentVariables(Map.of()));
    }
}
