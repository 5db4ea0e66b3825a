package dev.launchline.ratelimit;

import java.time.Duration;

/**
 * What a limiter decided for one request. {@code retryAfter} is zero when allowed;
 * {@code resetIn} is how long until the bucket is full again (for the RateLimit header).
 */
public record Decision(Limit limit, boolean allowed, long remaining, Duration retryAfter, Duration resetIn) {
}
