package dev.launchline.bots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.config.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Cloudflare Turnstile's server-side check: POST secret, response, remoteip and an
 * idempotency key to siteverify (form-encoded), read {@code success} and {@code error-codes}
 * from the JSON answer. The whole exchange, body included, is bounded by one timeout: a slow
 * siteverify must not hold a signup thread.
 */
public final class TurnstileVerifier {
    private static final Logger log = LoggerFactory.getLogger(TurnstileVerifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Cloudflare's documented limit; anything longer cannot be a token. */
    static final int MAX_TOKEN_LENGTH = 2048;
    /**
     * Error codes that mean siteverify could not judge the visitor: Cloudflare's own failure, or
     * our secret is wrong. Neither is the visitor's fault, so they count as "unavailable" and
     * follow TURNSTILE_FAIL_OPEN instead of telling a person they failed a challenge.
     */
    private static final Set<String> NOT_THE_VISITORS_FAULT = Set.of(
            "internal-error", "missing-input-secret", "invalid-input-secret");

    public enum Verdict { PASSED, FAILED, UNAVAILABLE }

    /** What siteverify said; hostname/action/challenge time are kept for the log and later checks. */
    public record Result(Verdict verdict, List<String> errorCodes, Optional<String> hostname,
                         Optional<String> action, Optional<String> challengeTimestamp) {
        static Result unavailable(String why) {
            return new Result(Verdict.UNAVAILABLE, List.of(why), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private final Secret secret;
    private final URI verifyUrl;
    private final Duration timeout;
    private final HttpClient client;

    public TurnstileVerifier(Secret secret, URI verifyUrl, Duration timeout) {
        this.secret = secret;
        this.verifyUrl = verifyUrl;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** @param remoteIp the visitor's address, or empty when unknown (siteverify treats it as optional) */
    public Result verify(String token, Optional<String> remoteIp) {
        StringBuilder form = new StringBuilder()
                .append("secret=").append(encode(secret.reveal()))
                .append("&response=").append(encode(token))
                // lets a retry of this very check be answered again instead of as "already spent"
                .append("&idempotency_key=").append(UUID.randomUUID());
        remoteIp.ifPresent(ip -> form.append("&remoteip=").append(encode(ip)));
        HttpRequest request = HttpRequest.newBuilder(verifyUrl)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        CompletableFuture<HttpResponse<String>> call = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            call.cancel(true);
            log.warn("turnstile siteverify did not answer within {} ms", timeout.toMillis());
            return Result.unavailable("timeout");
        } catch (ExecutionException unreachable) {
            // the cause names the host and the failure, never the form we sent
            log.warn("turnstile siteverify unreachable: {}", unreachable.getCause().getClass().getSimpleName());
            return Result.unavailable("unreachable");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Result.unavailable("interrupted");
        }
        if (response.statusCode() >= 500 || response.statusCode() == 429) {
            log.warn("turnstile siteverify answered HTTP {}", response.statusCode());
            return Result.unavailable("http_" + response.statusCode());
        }
        return parse(response);
    }

    private static Result parse(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException notJson) {
            log.warn("turnstile siteverify answered HTTP {} without JSON", response.statusCode());
            return Result.unavailable("malformed_response");
        }
        if (body == null || !body.path("success").isBoolean()) {
            log.warn("turnstile siteverify answered HTTP {} without a success flag", response.statusCode());
            return Result.unavailable("malformed_response");
        }
        List<String> codes = new ArrayList<>();
        body.path("error-codes").forEach(code -> codes.add(code.asText()));
        Optional<String> hostname = text(body, "hostname");
        Optional<String> action = text(body, "action");
        Optional<String> challengeTs = text(body, "challenge_ts");
        if (body.get("success").booleanValue()) {
            return new Result(Verdict.PASSED, List.copyOf(codes), hostname, action, challengeTs);
        }
        if (codes.stream().anyMatch(NOT_THE_VISITORS_FAULT::contains)) {
            log.warn("turnstile siteverify could not check the token: {} (is TURNSTILE_SECRET_KEY right?)", codes);
            return new Result(Verdict.UNAVAILABLE, List.copyOf(codes), hostname, action, challengeTs);
        }
        log.info("turnstile token refused: {}", codes);
        return new Result(Verdict.FAILED, List.copyOf(codes), hostname, action, challengeTs);
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || !value.isTextual() || value.asText().isEmpty()
                ? Optional.empty() : Optional.of(value.asText());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
