package dev.launchline.ratelimit;

import java.time.Duration;

/**
 * A named limit: at most {@code capacity} requests per {@code period} for one key (an IP, an
 * email key, a referral code, or a single global key). The name shows up in metrics, logs and
 * the RateLimit-Policy header; it also keeps the buckets of different limits apart.
 */
public record Limit(String name, long capacity, Duration period) {
    public Limit {
        if (capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("limit " + name + " needs a capacity >= 1 and a positive period");
        }
    }
}
