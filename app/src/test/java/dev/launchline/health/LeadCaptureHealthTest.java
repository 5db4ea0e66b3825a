package dev.launchline.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.Config;
import dev.launchline.Launchline;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.RejectingSmtpServer;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** /readyz detail: are leads arriving, is mail leaving; "degraded" past a threshold, still 200. */
class LeadCaptureHealthTest {
    private static final Map<String, String> TINY_THRESHOLDS = Map.of(
            "HEALTH_OUTBOX_OLDEST_PENDING_WARN_SECONDS", "1",
            "HEALTH_CACHE_SECONDS", "1");

    @Test
    void readiness_turns_degraded_but_stays_200_while_mail_is_stuck_and_ready_again_once_it_flows() {
        try (TestStack stack = TestStack.start(TINY_THRESHOLDS)) {
            Http.Response fresh = stack.http().get("/readyz");
            assertThat(fresh.status()).isEqualTo(200);
            assertThat(fresh.json().get("status").asText()).isEqualTo("ready");
            assertThat(fresh.json().at("/checks/mail/status").asText()).isEqualTo("ok");
            assertThat(fresh.json().at("/checks/leads/last_signup_at").isNull()).isTrue();

            stack.stopSmtp();
            signUp(stack, "late@rocket-users.test");

            JsonNode degraded = awaitReadiness(stack, body -> body.get("status").asText().equals("degraded"));
            assertThat(degraded.at("/checks/mail/status").asText()).isEqualTo("degraded");
            assertThat(degraded.at("/checks/mail/problems").toString()).contains("oldest_pending_email_too_old");
            assertThat(degraded.at("/checks/outbox/undelivered").asInt()).isEqualTo(1);
            assertThat(degraded.at("/checks/outbox/oldest_age_seconds").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(degraded.at("/checks/leads/last_signup_at").asText()).isNotEmpty();
            assertThat(degraded.at("/checks/mail/last_sent_at").isNull()).isTrue(); // nothing has left yet
            assertThat(degraded.at("/checks/database/status").asText()).isEqualTo("up");
            assertThat(stack.http().get("/metrics").body()).contains("launchline_mail_degraded{environment=\"test\"} 1.0");

            stack.startSmtp();

            JsonNode recovered = awaitReadiness(stack, body -> body.get("status").asText().equals("ready"));
            assertThat(recovered.at("/checks/mail/status").asText()).isEqualTo("ok");
            assertThat(recovered.at("/checks/mail/problems").size()).isZero();
            assertThat(recovered.at("/checks/outbox/undelivered").asInt()).isZero();
            assertThat(recovered.at("/checks/mail/last_sent_at").asText()).isNotEmpty();
            assertThat(stack.mailTo("late@rocket-users.test")).hasSize(1);
        }
    }

    @Test
    void the_reading_is_refreshed_in_the_background_so_the_first_call_after_a_quiet_spell_is_current()
            throws InterruptedException {
        try (TestStack stack = TestStack.start(Map.of("HEALTH_CACHE_SECONDS", "1"))) {
            assertThat(stack.http().get("/readyz").json().at("/checks/outbox/undelivered").asInt()).isZero();
            stack.stopSmtp();
            signUp(stack, "quiet-1@rocket-users.test");
            signUp(stack, "quiet-2@rocket-users.test");
            signUp(stack, "quiet-3@rocket-users.test");

            // the scenario itself: nobody asks for a while (three reading intervals)
            Thread.sleep(3_000);
            JsonNode first = stack.http().get("/readyz").json();

            assertThat(first.at("/checks/outbox/undelivered").asInt()).isEqualTo(3);
            OffsetDateTime readAt = OffsetDateTime.parse(first.at("/checks/mail/read_at").asText());
            assertThat(Duration.between(readAt, OffsetDateTime.now(ZoneOffset.UTC)).toMillis())
                    .as("age of the reading").isLessThan(2_500);
        }
    }

    @Test
    void a_backlog_over_its_threshold_degrades_mail_health() {
        try (TestStack stack = TestStack.start(Map.of("HEALTH_OUTBOX_BACKLOG_WARN", "2", "HEALTH_CACHE_SECONDS", "1"))) {
            stack.stopSmtp();
            signUp(stack, "one@rocket-users.test");
            signUp(stack, "two@rocket-users.test");

            JsonNode degraded = awaitReadiness(stack, body -> body.get("status").asText().equals("degraded"));
            assertThat(degraded.at("/checks/mail/problems").toString())
                    .contains("outbox_backlog_too_large")
                    .doesNotContain("oldest_pending_email_too_old"); // 300 s by default: not yet
            assertThat(degraded.at("/checks/mail/thresholds/backlog").asInt()).isEqualTo(2);
        }
    }

    @Test
    void dead_letters_over_their_threshold_degrade_mail_health() throws Exception {
        try (RejectingSmtpServer smtp = new RejectingSmtpServer("550 5.1.1 no such user");
             TestStack stack = TestStack.start(Map.of("SMTP_PORT", String.valueOf(smtp.port()),
                     "HEALTH_DEAD_LETTERS_WARN", "1", "HEALTH_CACHE_SECONDS", "1"))) {
            signUp(stack, "typo@rocket-users.test");

            JsonNode degraded = awaitReadiness(stack, body -> body.get("status").asText().equals("degraded"));
            assertThat(degraded.at("/checks/mail/problems").toString()).contains("too_many_dead_letters");
            assertThat(degraded.at("/checks/mail/dead_recent").asInt()).isEqualTo(1);
            assertThat(degraded.at("/checks/outbox/dead").asInt()).isEqualTo(1);
            assertThat(degraded.at("/checks/outbox/undelivered").asInt()).isZero();
        }
    }

    @Test
    void last_signup_and_last_send_come_from_the_database_so_a_restarted_instance_knows_them() throws Exception {
        try (TestStack stack = TestStack.start()) {
            signUp(stack, "early@rocket-users.test");
            stack.awaitMailTo("early@rocket-users.test", "Confirm");
            OffsetDateTime signedUp = stack.db().fetchValue(SIGNUP.CREATED_AT, SIGNUP.EMAIL.eq("early@rocket-users.test"));

            // a new process on the same database: nothing in memory from the first one
            Map<String, String> env = new HashMap<>(stack.env());
            int port = TestStack.freePort();
            env.put("PORT", String.valueOf(port));
            try (Launchline restarted = Launchline.start(Config.load(new EnvironmentVariables(env)))) {
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode body = new ObjectMapper().readTree(response.body());

                assertThat(OffsetDateTime.parse(body.at("/checks/leads/last_signup_at").asText()).toInstant())
                        .isEqualTo(signedUp.toInstant());
                assertThat(OffsetDateTime.parse(body.at("/checks/mail/last_sent_at").asText()))
                        .isAfterOrEqualTo(signedUp)
                        .isBefore(OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1));
                assertThat(body.at("/checks/leads/last_lead_at").isNull()).isTrue();
                assertThat(body.at("/checks/mail/status").asText()).isEqualTo("ok");
            }
        }
    }

    private static void signUp(TestStack stack, String email) {
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + email + "\"}").status())
                .isEqualTo(202);
    }

    /** Polls /readyz until its body matches; every answer on the way must be a 200. */
    private static JsonNode awaitReadiness(TestStack stack, Predicate<JsonNode> matching) {
        return Eventually.get(() -> {
            Http.Response ready = stack.http().get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            return Optional.of(ready.json()).filter(matching);
        }, Duration.ofSeconds(20));
    }
}
