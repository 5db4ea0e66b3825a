package dev.launchline.errors;

import dev.launchline.support.Eventually;
import dev.launchline.support.Http.Response;
import dev.launchline.support.RejectingSmtpServer;
import dev.launchline.support.SentryEnvelopeServer;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The running service reports to Sentry (a local envelope server here) what operators must hear about. */
class ErrorReportingTest {

    @Test
    void a_500_is_reported_with_the_release_of_version_and_the_request_id_and_no_personal_data() {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             TestStack stack = TestStack.start(Map.of("SENTRY_DSN", sentry.dsn()))) {
            String release = stack.http().get("/version").json().get("release").asText();
            stack.db().execute("drop table lead cascade"); // a real fault: the query fails, the database is up

            Response response = stack.http().postJson("/api/v1/forms/contact/submissions",
                    "{\"email\": \"planted.lead@example.test\", \"message\": \"call me on 555-0100\"}");

            assertThat(response.status()).isEqualTo(500);
            String requestId = response.header("X-Request-Id");
            String event = Eventually.get(() -> sentry.events().stream().findFirst(), Duration.ofSeconds(15));
            assertThat(event)
                    .contains("\"release\":\"" + release + "\"", "\"environment\":\"test\"",
                            "\"request_id\":\"" + requestId + "\"", "POST /api/v1/forms/{slug}/submissions")
                    .doesNotContain("planted.lead@example.test", "555-0100", "127.0.0.1");
        }
    }

    @Test
    void a_failing_mail_worker_is_reported_as_background_work() {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             TestStack stack = TestStack.start(Map.of("SENTRY_DSN", sentry.dsn()))) {
            stack.db().execute("drop table outbox_email cascade"); // the worker's next poll fails

            String event = Eventually.get(() -> sentry.events().stream().findFirst(), Duration.ofSeconds(15));
            assertThat(event).contains("\"task\":\"outbox-worker\"", "\"kind\":\"background\"");
        }
    }

    @Test
    void an_expected_4xx_is_not_reported() {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             TestStack stack = TestStack.start(Map.of("SENTRY_DSN", sentry.dsn()))) {
            assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": 7}").status()).isEqualTo(422);
            assertThat(stack.http().get("/nowhere").status()).isEqualTo(404);

            stack.close(); // flushes whatever was queued
            assertThat(sentry.events()).isEmpty();
        }
    }

    @Test
    void a_dead_lettered_confirmation_email_is_reported_without_the_address() throws Exception {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             RejectingSmtpServer smtp = new RejectingSmtpServer("550 5.1.1 <nobody@example.test> no such user");
             TestStack stack = TestStack.start(Map.of("SENTRY_DSN", sentry.dsn(),
                     "SMTP_PORT", String.valueOf(smtp.port())))) {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"nobody@example.test\"}");

            String event = Eventually.get(() -> sentry.events().stream().findFirst(), Duration.ofSeconds(15));
            assertThat(event).contains("email dead-lettered: confirm_signup", "550").doesNotContain("nobody@example.test");
        }
    }
}
