package dev.launchline.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;

/**
 * Buckets in this JVM's memory. Good for one instance, and the fallback when the shared
 * (Redis) limiter is unreachable. The map is bounded: under a flood of distinct keys the least
 * recently used buckets are dropped, which can only ever let a request through, never lose one.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final Cache<String, Bucket> buckets;

    public LocalRateLimiter(long maxKeys) {
        this.buckets = Caffeine.newBuilder()
                // eviction bookkeeping on the calling thread: a few microseconds, where handing it
                // to the common pool woke a thread for most new keys (every new visitor of a spike)
                .executor(Runnable::run)
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofHours(1))
                .build();
    }

    @Override
    public Decision tryConsume(Limit limit, String key) {
        Bucket bucket = buckets.get(limit.name() + "\u0000" + key, ignored -> Bucket.builder()
                .addLimit(bandwidth(limit))
                .build());
        return decision(limit, bucket.tryConsumeAndReturnRemaining(1));
    }

    /** Full at first, refilled evenly ("greedy"): no cliff at the end of a fixed window. */
    static Bandwidth bandwidth(Limit limit) {
        return Bandwidth.builder()
                .capacity(limit.capacity())
                .refillGreedy(limit.capacity(), limit.period())
                .build();
    }

    static Decision decision(Limit limit, ConsumptionProbe probe) {
        Duration retryAfter = probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
        // tokens refill evenly over the period: the bucket is full again after the missing share of it
        long missing = limit.capacity() - probe.getRemainingTokens();
        Duration resetIn = Duration.ofNanos(limit.period().toNanos() / limit.capacity() * missing);
        return new Decision(limit, probe.isConsumed(), probe.getRemainingTokens(), retryAfter, resetIn);
    }
}
