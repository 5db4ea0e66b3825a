package dev.launchline.dashboard;

import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.UUID;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Admin tokens, stats requests and backdated signups for the dashboard's tests. */
final class DashboardFixtures {
    private final TestStack stack;

    DashboardFixtures(TestStack stack) {
        this.stack = stack;
    }

    /** A token issued through the real CLI entry point, as an operator would. */
    String token(String name, String scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exitCode = Main.adminToken(new String[] {"admin-token", "create", "--name", name, "--scope", scope},
                new EnvironmentVariables(stack.env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream()));
        assertThat(exitCode).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }

    Http.Response stats(String token, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.http().base()
                        + "/api/v1/admin/stats" + query))
                .header("Accept", "application/json")
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return stack.http().send(request);
    }

    /** A signup written straight into the table, created at {@code createdAt}. */
    long signup(String waitlist, String source, OffsetDateTime createdAt, boolean confirmed, Long referredBy,
                String referralNotCredited) {
        String email = UUID.randomUUID() + "@stats.test";
        return stack.db().insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, waitlist)
                .set(SIGNUP.EMAIL, email)
                .set(SIGNUP.EMAIL_KEY, email)
                .set(SIGNUP.REFERRAL_CODE, UUID.randomUUID().toString().substring(0, 12))
                .set(SIGNUP.UTM_SOURCE, source)
                .set(SIGNUP.CREATED_AT, createdAt)
                .set(SIGNUP.CONFIRMED_AT, confirmed ? createdAt.plusMinutes(5) : null)
                .set(SIGNUP.REFERRED_BY, referredBy)
                .set(SIGNUP.REFERRAL_NOT_CREDITED, referralNotCredited)
                .returning(SIGNUP.ID)
                .fetchSingle()
                .getId();
    }
}
