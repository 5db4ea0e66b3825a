package dev.launchline.errors;

import dev.launchline.support.Eventually;
import dev.launchline.support.SentryEnvelopeServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Real Sentry SDK, real envelopes over HTTP, to a local server instead of Sentry's cloud. */
class ErrorTrackingTest {
    private static final String EMAIL = "planted.person@example.test";
    private static final String TOKEN = "MTIzOmNvbmZpcm06OTk5OQ.q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c";

    @Test
    void an_event_names_release_environment_and_request_id_and_carries_no_personal_data() {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             ErrorTracking tracking = ErrorTracking.start(Optional.of(sentry.dsn()), "launchline@1.2.3+abc1234", "staging")) {
            RuntimeException error = new IllegalStateException("duplicate key (launch, " + EMAIL + ") for /confirm?token="
                    + TOKEN + " from 203.0.113.9 and 2001:db8::7 with Bearer ll_admin_secretvalue");

            tracking.requestFailed(error, "req-7f3a", "POST", "/api/v1/waitlists/{slug}/signups");
            tracking.flush(Duration.ofSeconds(5));

            String event = Eventually.get(() -> sentry.events().stream().findFirst(), Duration.ofSeconds(10));
            assertThat(event)
                    .contains("\"release\":\"launchline@1.2.3+abc1234\"", "\"environment\":\"staging\"",
                            "\"request_id\":\"req-7f3a\"", "IllegalStateException", "[email]", "[token]")
                    .doesNotContain(EMAIL, TOKEN, "203.0.113.9", "2001:db8::7", "ll_admin_secretvalue");
        }
    }

    @Test
    void a_dead_lettered_email_is_reported_without_the_address_the_server_quoted() {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             ErrorTracking tracking = ErrorTracking.start(Optional.of(sentry.dsn()), "launchline@1.2.3+abc1234", "production")) {
            tracking.emailDeadLettered("confirm_signup", 77, "550 5.1.1 <" + EMAIL + ">: Recipient address rejected");
            tracking.flush(Duration.ofSeconds(5));

            String event = Eventually.get(() -> sentry.events().stream().findFirst(), Duration.ofSeconds(10));
            assertThat(event).contains("email dead-lettered: confirm_signup", "\"dead_letter\"", "Recipient address rejected")
                    .doesNotContain(EMAIL);
        }
    }

    @Test
    void without_a_dsn_nothing_is_started_and_nothing_is_sent() {
        try (SentryEnvelopeServer sentry = new SentryEnvelopeServer();
             ErrorTracking tracking = ErrorTracking.start(Optional.empty(), "launchline@1.2.3+abc1234", "production")) {
            tracking.requestFailed(new IllegalStateException("boom"), "req-1", "GET", "/x");
            tracking.flush(Duration.ofSeconds(1));

            assertThat(tracking.enabled()).isFalse();
            assertThat(sentry.envelopes()).isEmpty();
        }
    }

    @Test
    void redaction_leaves_ordinary_text_alone() {
        assertThat(PersonalData.redact("could not allocate a referral code after 3 attempts in SignupService"))
                .isEqualTo("could not allocate a referral code after 3 attempts in SignupService");
    }
}
