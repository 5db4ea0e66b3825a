package dev.launchline.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.config.Secret;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * One smoke run over HTTP against the admin API of a deployed service: create the test signup,
 * poll until its confirmation is accepted by SMTP (outbox status {@code sent}), dead, or the
 * deadline; then delete it, whatever happened before. Every request is bounded (10 s at most,
 * never past the deadline); the clean-up gets its own 10 s after the deadline.
 */
public final class SmokeRun {
    private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(10);
    private static final Duration CLEANUP_TIME = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final String PATH = "/api/v1/admin/smoke-signups";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String waitlist;
    private final String emailDomain;
    private final Duration timeout;
    private final Secret token;
    private final HttpClient client;

    public SmokeRun(URI baseUrl, String waitlist, String emailDomain, Duration timeout, Secret token) {
        this.baseUrl = baseUrl;
        this.waitlist = waitlist;
        this.emailDomain = emailDomain;
        this.timeout = timeout;
        this.token = token;
        this.client = HttpClient.newBuilder()
                .connectTimeout(MAX_REQUEST_TIME)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public record Result(boolean ok, String line) {
        static Result failed(String reason) {
            return new Result(false, "smoke FAILED: " + reason);
        }
    }

    public Result run() {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String email = "smoke+" + HexFormat.of().formatHex(random) + "@" + emailDomain;
        Reply created;
        try {
            created = send(HttpRequest.newBuilder(uri(PATH))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                            .put("waitlist", waitlist).put("email", email).toString())), requestTime(deadline));
        } catch (IOException unreachable) {
            // nothing was stored (or, if the answer was lost, the purge of unconfirmed signups takes it)
            return Result.failed("cannot reach " + baseUrl + " (" + describe(unreachable) + ")");
        }
        // 403 "forbidden" is the token's scope; another 403 (the origin lock) is not about the token
        if (created.status() == 401 || (created.status() == 403 && created.code().equals("forbidden"))) {
            return Result.failed("admin token refused (HTTP " + created.status() + ": " + created.message() + ")");
        }
        if (created.status() != 201) {
            return Result.failed("could not store the test signup (HTTP " + created.status() + ": "
                    + created.message() + ")");
        }
        long id = created.json().path("id").asLong();
        Result outcome = awaitConfirmation(id, started, deadline);
        Optional<String> cleanupProblem = delete(id);
        if (cleanupProblem.isEmpty()) {
            return outcome;
        }
        String notDeleted = "test signup " + id + " not deleted (" + cleanupProblem.get() + ")";
        return outcome.ok() ? Result.failed(notDeleted) : new Result(false, outcome.line() + "; also " + notDeleted);
    }

    /** Polls the admin API until the outbox says sent (accepted by SMTP), dead, or the deadline passes. */
    private Result awaitConfirmation(long id, Instant started, Instant deadline) {
        String lastSeen = "no answer";
        while (true) {
            try {
                Reply reply = send(HttpRequest.newBuilder(uri(PATH + "/" + id)).GET(), requestTime(deadline));
                if (reply.status() == 200) {
                    JsonNode confirmation = reply.json().path("confirmation");
                    String status = confirmation.path("status").asText("missing");
                    if (status.equals("sent")) {
                        return new Result(true, String.format(Locale.ROOT,
                                "smoke ok: signup stored, confirmation accepted by SMTP in %.1f s",
                                Duration.between(started, Instant.now()).toMillis() / 1000.0));
                    }
                    lastSeen = "status " + status + ", " + confirmation.path("attempts").asInt() + " attempts"
                            + lastError(confirmation);
                    if (status.equals("dead")) {
                        return Result.failed("confirmation given up by the mail worker (" + lastSeen + ")");
                    }
                } else {
                    lastSeen = "HTTP " + reply.status() + ": " + reply.message();
                }
            } catch (IOException unreachable) {
                lastSeen = "cannot reach " + baseUrl + ": " + describe(unreachable);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Result.failed("confirmation not accepted by SMTP within " + seconds(timeout) + " ("
                        + lastSeen + ")");
            }
            try {
                Thread.sleep(Math.min(POLL_INTERVAL.toMillis(), left.toMillis()));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return Result.failed("interrupted while waiting for the confirmation (" + lastSeen + ")");
            }
        }
    }

    /** Empty when the test signup is gone (404 too: already gone is what we want). */
    private Optional<String> delete(long id) {
        try {
            Reply reply = send(HttpRequest.newBuilder(uri(PATH + "/" + id)).DELETE(), CLEANUP_TIME);
            return reply.status() == 204 || reply.status() == 404
                    ? Optional.empty()
                    : Optional.of("HTTP " + reply.status() + ": " + reply.message());
        } catch (IOException unreachable) {
            return Optional.of(describe(unreachable));
        }
    }

    private record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException notJson) {
                return JSON.missingNode();
            }
        }

        String code() {
            return json().path("error").path("code").asText("");
        }

        /** The error shape's message, or the start of whatever came back (a proxy's page, say). */
        String message() {
            String message = json().path("error").path("message").asText("");
            return oneLine(message.isEmpty() ? body : message, 200);
        }
    }

    private Reply send(HttpRequest.Builder request, Duration time) throws IOException {
        request.header("Authorization", "Bearer " + token.reveal())
                .header("Accept", "application/json")
                .header("User-Agent", "launchline-smoke")
                .timeout(time);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", interrupted);
        }
    }

    /** Each request may take at most 10 s, and never past the deadline (but at least 1 s, to be answered). */
    private static Duration requestTime(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return left.compareTo(MAX_REQUEST_TIME) < 0 ? left : MAX_REQUEST_TIME;
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String lastError(JsonNode confirmation) {
        String error = confirmation.path("last_error").asText("");
        return error.isEmpty() ? "" : ", last error: " + oneLine(error, 200);
    }

    private static String describe(IOException failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + oneLine(message, 200));
    }

    private static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max) + "...";
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0
                ? duration.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
