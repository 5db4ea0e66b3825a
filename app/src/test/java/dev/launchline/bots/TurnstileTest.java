package dev.launchline.bots;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.launchline.bots.BotDrops.Reason;
import dev.launchline.bots.LocalSiteverify.Mode;
import dev.launchline.config.Secret;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Turnstile's server-side check against a local siteverify that speaks the real protocol
 * ({@link LocalSiteverify}). The service runs behind a trusted proxy here, so the visitor's
 * address is the CF-Connecting-IP the test sends.
 */
class TurnstileTest {
    private static final String SECRET = "0x4AAAAAAA-local-production-secret-SENTINEL";
    private static final String SIGNUPS = "/api/v1/waitlists/launch/signups";

    private static LocalSiteverify siteverify;
    private static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void startSiteverifyAndCaptureLogs() {
        siteverify = new LocalSiteverify(SECRET);
        logs = new ListAppender<>();
        logs.start();
        root().addAppender(logs);
    }

    @AfterAll
    static void stopAndCheckTheSecretNeverReachedALog() {
        root().detachAppender(logs);
        siteverify.close();
        String logged = logs.list.stream()
                .map(event -> event.getFormattedMessage() + " " + event.getMDCPropertyMap())
                .collect(Collectors.joining("\n"));
        assertThat(logged).contains("turnstile").doesNotContain(SECRET);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static Map<String, String> env(boolean failOpen) {
        return Map.of("TURNSTILE_SECRET_KEY", SECRET, "TURNSTILE_VERIFY_URL", siteverify.url(),
                "TURNSTILE_TIMEOUT_MS", "400", "TURNSTILE_FAIL_OPEN", String.valueOf(failOpen),
                "TRUSTED_PROXIES", "127.0.0.1/32");
    }

    private static Http.Response signUp(LaunchlineExtension stack, String email, String challengeResponse) {
        String body = "{\"email\": \"" + email + "\""
                + (challengeResponse == null ? "" : ", \"cf-turnstile-response\": \"" + challengeResponse + "\"") + "}";
        return stack.http().postJsonFrom("203.0.113.7", SIGNUPS, body);
    }

    private static int signupsFor(LaunchlineExtension stack, String email) {
        return stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq(email));
    }

    @AfterEach
    void siteverifyBackToNormal() {
        siteverify.mode(Mode.NORMAL);
    }

    /** A service of its own per fail-open setting, started once siteverify runs. */
    @Nested
    class FailOpen {
        @RegisterExtension
        static final LaunchlineExtension stack = LaunchlineExtension.with(() -> env(true));

        @Test
        void a_solved_challenge_lets_the_signup_in_and_siteverify_gets_the_documented_fields() {
            String token = siteverify.solveChallenge();
            int before = siteverify.requests().size();

            assertThat(signUp(stack, "solved@rocket-users.test", token).status()).isEqualTo(202);

            assertThat(signupsFor(stack, "solved@rocket-users.test")).isOne();
            Map<String, String> sent = siteverify.requests().get(before);
            assertThat(sent).containsEntry("secret", SECRET).containsEntry("response", token)
                    .containsEntry("remoteip", "203.0.113.7");
            assertThat(sent.get("idempotency_key")).matches("[0-9a-f-]{36}");
        }

        @Test
        void a_token_siteverify_rejects_gets_403_challenge_failed_and_nothing_is_stored() {
            long before = stack.botDrops().total(Reason.CHALLENGE_FAILED);
            Http.Response answer = signUp(stack, "dummy@rocket-users.test", LocalSiteverify.DUMMY_TOKEN);

            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("challenge_failed");
            assertThat(answer.json().at("/error/message").asText()).contains("Reload the page");
            assertThat(answer.body()).doesNotContain(SECRET);
            assertThat(signupsFor(stack, "dummy@rocket-users.test")).isZero();
            assertThat(stack.botDrops().total(Reason.CHALLENGE_FAILED)).isEqualTo(before + 1);
        }

        @Test
        void a_replayed_token_is_refused_the_second_time() {
            String token = siteverify.solveChallenge();

            assertThat(signUp(stack, "first-use@rocket-users.test", token).status()).isEqualTo(202);
            Http.Response replay = signUp(stack, "replay@rocket-users.test", token);

            assertThat(replay.status()).isEqualTo(403);
            assertThat(signupsFor(stack, "replay@rocket-users.test")).isZero();
        }

        @Test
        void a_submission_without_the_widget_token_gets_403_without_asking_siteverify() {
            int before = siteverify.requests().size();

            Http.Response answer = signUp(stack, "no-widget@rocket-users.test", null);

            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("challenge_failed");
            assertThat(siteverify.requests()).hasSize(before);
        }

        @Test
        void a_filled_honeypot_is_dropped_silently_before_any_siteverify_call() {
            int before = siteverify.requests().size();

            Http.Response answer = stack.http().postJson(SIGNUPS,
                    "{\"email\": \"pot@rocket-users.test\", \"website\": \"x\", \"cf-turnstile-response\": \"t\"}");

            assertThat(answer.status()).isEqualTo(202);
            assertThat(siteverify.requests()).hasSize(before);
            assertThat(signupsFor(stack, "pot@rocket-users.test")).isZero();
        }

        @Test
        void when_siteverify_times_out_the_signup_is_accepted_and_counted() {
            siteverify.mode(Mode.SLOW);
            long before = stack.botDrops().total(Reason.CHALLENGE_UNAVAILABLE_ACCEPTED);

            Http.Response answer = signUp(stack, "slow-open@rocket-users.test", siteverify.solveChallenge());

            assertThat(answer.status()).isEqualTo(202);
            assertThat(signupsFor(stack, "slow-open@rocket-users.test")).isOne();
            assertThat(stack.botDrops().total(Reason.CHALLENGE_UNAVAILABLE_ACCEPTED)).isEqualTo(before + 1);
        }

        @Test
        void when_siteverify_answers_5xx_the_signup_is_accepted_and_counted() {
            siteverify.mode(Mode.SERVER_ERROR);

            assertThat(signUp(stack, "bad-gateway-open@rocket-users.test", siteverify.solveChallenge()).status())
                    .isEqualTo(202);
            assertThat(signupsFor(stack, "bad-gateway-open@rocket-users.test")).isOne();
        }
    }

    @Nested
    class FailClosed {
        @RegisterExtension
        static final LaunchlineExtension stack = LaunchlineExtension.with(() -> env(false));

        @Test
        void when_siteverify_times_out_the_signup_is_refused_with_503_and_nothing_is_stored() {
            siteverify.mode(Mode.SLOW);

            Http.Response answer = signUp(stack, "slow-closed@rocket-users.test", siteverify.solveChallenge());

            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("service_unavailable");
            assertThat(signupsFor(stack, "slow-closed@rocket-users.test")).isZero();
            assertThat(stack.botDrops().total(Reason.CHALLENGE_UNAVAILABLE_REFUSED)).isPositive();
        }

        @Test
        void when_siteverify_answers_5xx_the_signup_is_refused_with_503() {
            siteverify.mode(Mode.SERVER_ERROR);

            assertThat(signUp(stack, "bad-gateway-closed@rocket-users.test", siteverify.solveChallenge()).status())
                    .isEqualTo(503);
        }

        @Test
        void a_solved_challenge_still_gets_in() {
            assertThat(signUp(stack, "closed-ok@rocket-users.test", siteverify.solveChallenge()).status()).isEqualTo(202);
            assertThat(signupsFor(stack, "closed-ok@rocket-users.test")).isOne();
        }
    }

    @Nested
    class DummyKeys {
        private TurnstileVerifier verifier(String secret) {
            return new TurnstileVerifier(Secret.of(secret), URI.create(siteverify.url()), Duration.ofSeconds(2));
        }

        @Test
        void the_always_passes_secret_accepts_the_dummy_token_and_the_answer_is_parsed() {
            TurnstileVerifier.Result result = verifier(LocalSiteverify.DUMMY_PASS_SECRET)
                    .verify(LocalSiteverify.DUMMY_TOKEN, Optional.of("198.51.100.1"));

            assertThat(result.verdict()).isEqualTo(TurnstileVerifier.Verdict.PASSED);
            assertThat(result.hostname()).contains("example.com");
            assertThat(result.action()).contains("signup");
            assertThat(result.challengeTimestamp()).isPresent();
        }

        @Test
        void the_always_fails_secret_refuses_with_its_error_code() {
            TurnstileVerifier.Result result = verifier(LocalSiteverify.DUMMY_FAIL_SECRET)
                    .verify(LocalSiteverify.DUMMY_TOKEN, Optional.empty());

            assertThat(result.verdict()).isEqualTo(TurnstileVerifier.Verdict.FAILED);
            assertThat(result.errorCodes()).containsExactly("invalid-input-response");
        }

        @Test
        void the_already_spent_secret_refuses_as_a_duplicate() {
            TurnstileVerifier.Result result = verifier(LocalSiteverify.DUMMY_SPENT_SECRET)
                    .verify(LocalSiteverify.DUMMY_TOKEN, Optional.empty());

            assertThat(result.verdict()).isEqualTo(TurnstileVerifier.Verdict.FAILED);
            assertThat(result.errorCodes()).containsExactly("timeout-or-duplicate");
        }

        @Test
        void a_wrong_secret_is_our_fault_not_the_visitors_so_it_counts_as_unavailable() {
            TurnstileVerifier.Result result = verifier("0x4AAAAAAA-some-other-site")
                    .verify(LocalSiteverify.DUMMY_TOKEN, Optional.empty());

            assertThat(result.verdict()).isEqualTo(TurnstileVerifier.Verdict.UNAVAILABLE);
            assertThat(result.errorCodes()).containsExactly("invalid-input-secret");
        }

        @Test
        void an_unreachable_siteverify_is_unavailable() {
            int closedPort = TestStack.freePort();
            TurnstileVerifier.Result result = new TurnstileVerifier(Secret.of(SECRET),
                    URI.create("http://127.0.0.1:" + closedPort + LocalSiteverify.PATH), Duration.ofSeconds(2))
                    .verify("token", Optional.empty());

            assertThat(result.verdict()).isEqualTo(TurnstileVerifier.Verdict.UNAVAILABLE);
        }
    }
}
