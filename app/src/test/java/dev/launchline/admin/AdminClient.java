package dev.launchline.admin;

import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Talks to the admin API of a {@link TestStack} as a real client would, from a chosen client IP. */
final class AdminClient {
    /** Start stacks with this so CF-Connecting-IP from the test (peer 127.0.0.1) picks the client IP. */
    static final Map<String, String> TRUSTING_LOCALHOST = Map.of("TRUSTED_PROXIES", "127.0.0.1/32");
    private static final AtomicInteger nextIp = new AtomicInteger(1);

    private final TestStack stack;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(TestStack stack) {
        this.stack = stack;
    }

    /** A client IP no other test uses, so failure counts never leak between tests. */
    static String freshIp() {
        int n = nextIp.getAndIncrement();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    /** Issues a token through the real CLI entry point and returns the secret it printed. */
    String issue(String name, String scope) {
        Cli result = cli("admin-token", "create", "--name", name, "--scope", scope);
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result.out().lines().findFirst().orElseThrow();
    }

    record Cli(int exitCode, String out, String err) {
    }

    Cli cli(String... args) {
        return cli(stack.env(), args);
    }

    static Cli cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.adminToken(args, new EnvironmentVariables(env), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Http.Response get(String token, String path) {
        return send(token, freshIp(), "GET", path);
    }

    Http.Response post(String token, String path) {
        return send(token, freshIp(), "POST", path);
    }

    Http.Response delete(String token, String path) {
        return send(token, freshIp(), "DELETE", path);
    }

    Http.Response send(String token, String clientIp, String method, String path) {
        return stack.http().send(request(token, clientIp, path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** The response body as a stream, so a large export is read as it arrives. */
    HttpResponse<InputStream> stream(String token, String path) throws Exception {
        return client.send(request(token, freshIp(), path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder request(String token, String clientIp, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.http().base() + path))
                .header("Accept", "application/json")
                .header("CF-Connecting-IP", clientIp)
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** A signup straight into the table; {@code confirmedAt} null leaves it pending. */
    SignupRecord signup(String waitlist, String email, String name, OffsetDateTime confirmedAt) {
        return stack.db().insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, waitlist)
                .set(SIGNUP.EMAIL, email)
                .set(SIGNUP.EMAIL_KEY, email.toLowerCase())
                .set(SIGNUP.NAME, name)
                .set(SIGNUP.REFERRAL_CODE, UUID.randomUUID().toString().substring(0, 12))
                .set(SIGNUP.CONFIRMED_AT, confirmedAt)
                .returning()
                .fetchSingle();
    }
}
