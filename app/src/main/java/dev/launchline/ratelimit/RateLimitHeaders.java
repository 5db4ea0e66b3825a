package dev.launchline.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RateLimit header fields of the IETF httpapi draft (RateLimit-Limit, -Remaining, -Reset,
 * -Policy), on allowed and refused answers alike, so well-behaved clients can slow down before
 * they are refused; plus Retry-After (RFC 9110) on refusals.
 */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    public static Map<String, String> of(Decision decision) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", String.valueOf(decision.limit().capacity()));
        headers.put("RateLimit-Remaining", String.valueOf(decision.remaining()));
        headers.put("RateLimit-Reset", String.valueOf(secondsRoundedUp(decision.resetIn())));
        headers.put("RateLimit-Policy", decision.limit().capacity() + ";w=" + decision.limit().period().toSeconds());
        if (!decision.allowed()) {
            headers.put("Retry-After", String.valueOf(Math.max(1, secondsRoundedUp(decision.retryAfter()))));
        }
        return headers;
    }

    static long secondsRoundedUp(Duration duration) {
        long seconds = duration.toSeconds();
        return duration.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }
}
