package dev.launchline.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Buckets in Redis (Bucket4j's compare-and-swap over Lettuce), shared by every instance.
 *
 * Redis is a helper here, never a dependency: a request waits at most {@code timeout} for it,
 * then uses this instance's own buckets ({@code fallback}); every such request is counted
 * ({@link #fallbacks()}) and logged at most once a minute. The connection is made in the
 * background, so a Redis that is down at boot delays nothing; until it is there, and
 * whenever Lettuce is reconnecting, commands are refused at once instead of queueing.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(5);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    /** Keys disappear once their bucket would be full again, plus this margin. */
    private static final Duration KEEP_FULL_BUCKETS = Duration.ofSeconds(10);

    private final RedisClient client;
    private final RedisURI uri;
    private final Duration timeout;
    private final String keyPrefix;
    private final RateLimiter fallback;
    private final Map<Limit, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong nextWarningAt = new AtomicLong(System.nanoTime());
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long nextConnectAttemptAt = System.nanoTime();
    private volatile AsyncProxyManager<String> buckets; // null until connected

    private RedisRateLimiter(RedisClient client, RedisURI uri, Duration timeout, String keyPrefix, RateLimiter fallback) {
        this.client = client;
        this.uri = uri;
        this.timeout = timeout;
        this.keyPrefix = keyPrefix;
        this.fallback = fallback;
    }

    /** Returns at once; the connection is made in the background. */
    public static RedisRateLimiter start(RateLimitSettings.Redis settings, RateLimiter fallback) {
        RedisURI uri = RedisURI.create(settings.url().reveal());
        uri.setTimeout(CONNECT_TIMEOUT); // the connection handshake; commands have their own timeout below
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while disconnected, fail at once (we fall back) rather than queue up behind the outage
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(10_000)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        RedisRateLimiter limiter = new RedisRateLimiter(client, uri, settings.timeout(), settings.keyPrefix(), fallback);
        limiter.connectInBackground();
        return limiter;
    }

    @Override
    public Decision tryConsume(Limit limit, String key) {
        AsyncProxyManager<String> shared = buckets;
        if (shared == null) {
            if (System.nanoTime() - nextConnectAttemptAt >= 0) {
                connectInBackground();
            }
            return fallBack(limit, key, "not connected");
        }
        CompletableFuture<ConsumptionProbe> probe = null;
        try {
            probe = shared.builder()
                    .build(redisKey(limit, key), configurations.computeIfAbsent(limit, RedisRateLimiter::configuration))
                    .tryConsumeAndReturnRemaining(1);
            return decision(limit, probe.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException slow) {
            probe.cancel(false);
            return fallBack(limit, key, "slower than " + timeout.toMillis() + " ms");
        } catch (ExecutionException | RuntimeException failed) {
            Throwable cause = failed instanceof ExecutionException ? failed.getCause() : failed;
            return fallBack(limit, key, "failed (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return fallBack(limit, key, "interrupted");
        }
    }

    /** How many decisions were made by the local fallback because Redis was unreachable or slow. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** Whether the shared buckets are in use (the connection may still be reconnecting). */
    public boolean connected() {
        return buckets != null;
    }

    private Decision fallBack(Limit limit, String key, String why) {
        long count = fallbacks.incrementAndGet();
        warnAtMostOncePerMinute("Redis for rate limits {}: using this instance's own limits ({} times so far)", why, count);
        return fallback.tryConsume(limit, key);
    }

    private void warnAtMostOncePerMinute(String message, Object... arguments) {
        long now = System.nanoTime();
        long due = nextWarningAt.get();
        if (now - due >= 0 && nextWarningAt.compareAndSet(due, now + LOG_INTERVAL.toNanos())) {
            log.warn(message, arguments);
        }
    }

    private void connectInBackground() {
        if (closed.get() || !connecting.compareAndSet(false, true)) {
            return;
        }
        nextConnectAttemptAt = System.nanoTime() + RECONNECT_INTERVAL.toNanos();
        client.connectAsync(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri)
                .whenComplete((connection, failure) -> {
                    try {
                        if (failure != null) {
                            // the message may name the host, never the password; one line a minute at most
                            warnAtMostOncePerMinute("Redis for rate limits unreachable ({}): using this instance's"
                                    + " own limits, retrying in the background", failure.getClass().getSimpleName());
                            return;
                        }
                        if (closed.get()) {
                            connection.closeAsync();
                            return;
                        }
                        buckets = Bucket4jLettuce.casBasedBuilder(connection)
                                .expirationAfterWrite(ExpirationAfterWriteStrategy
                                        .basedOnTimeForRefillingBucketUpToMax(KEEP_FULL_BUCKETS))
                                .build()
                                .asAsync();
                        log.info("rate limits shared through Redis");
                    } finally {
                        connecting.set(false);
                    }
                });
    }

    private static BucketConfiguration configuration(Limit limit) {
        return BucketConfiguration.builder()
                .addLimit(bandwidth(limit))
                .build();
    }

    /**
     * The capacity and period are part of the key, so a changed limit starts fresh buckets
     * instead of meeting old ones with another shape. The key itself is hashed: Redis holds no
     * email addresses or IPs.
     */
    private String redisKey(Limit limit, String key) {
        String shape = limit.capacity() + "/" + limit.period().toSeconds();
        return keyPrefix + limit.name() + ":" + shape + ":" + sha256(key);
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        closed.set(true);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** Full at first, refilled evenly ("greedy"): no cliff at the end of a fixed window (as LocalRateLimiter's). */
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
