package dev.launchline;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the service with recognisable secrets, drives the funnel (including errors), and greps
 * everything it logged and answered: no secret, no email address, no token may appear.
 */
class SecretRedactionTest {
    private static final String DB_PASSWORD = "db-pass-SENTINEL-1f2e3d";
    private static final String SMTP_PASSWORD = "smtp-pass-SENTINEL-4c5b6a";
    private static final String SIGNING_KEY = "signing-key-SENTINEL-0123456789abcdefghij";
    private static final String PREVIOUS_KEY = "previous-key-SENTINEL-0123456789abcdefghij";

    @Test
    void secrets_emails_and_tokens_never_reach_logs_errors_or_version() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        StringBuilder responses = new StringBuilder();
        String email = "private.person@rocket-users.test";
        try (TestStack stack = TestStack.start(Map.of(
                "DATABASE_PASSWORD", DB_PASSWORD, // PostgreSQL here trusts loopback, so any password works
                "SMTP_PASSWORD", SMTP_PASSWORD,   // no SMTP_USERNAME: the test SMTP server needs no login
                "TOKEN_SIGNING_KEY", SIGNING_KEY,
                "TOKEN_SIGNING_KEY_PREVIOUS", PREVIOUS_KEY))) {
            responses.append(stack.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"" + email + "\", \"name\": \"Private Person\"}").body());
            var mail = stack.awaitMailTo(email, "Confirm");
            String token = mail.links().get(0).substring(mail.links().get(0).indexOf("token=") + 6);
            responses.append(stack.http().getHtml("/confirm?token=" + token).body());
            responses.append(stack.http().postForm("/confirm", "token=" + token).body());
            responses.append(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "x\"}").body());
            responses.append(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": 42}").body());
            responses.append(stack.http().get("/version").body());
            responses.append(stack.http().get("/readyz").body());

            String logs = captured.list.stream()
                    .map(event -> event.getFormattedMessage() + " " + event.getMDCPropertyMap()
                            + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())))
                    .collect(Collectors.joining("\n"));
            assertThat(captured.list).isNotEmpty();
            assertThat(logs).contains("signup 1 joined waitlist launch")
                    .doesNotContain(DB_PASSWORD, SMTP_PASSWORD, SIGNING_KEY, PREVIOUS_KEY, email, token,
                            "Private Person");
            assertThat(responses.toString()).doesNotContain(DB_PASSWORD, SMTP_PASSWORD, SIGNING_KEY, PREVIOUS_KEY);
        } finally {
            root.detachAppender(captured);
        }
    }
}
