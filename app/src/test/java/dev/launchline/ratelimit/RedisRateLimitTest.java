package dev.launchline.ratelimit;

import dev.launchline.config.Secret;
import dev.launchline.support.Eventually;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits shared through Redis, and what happens when Redis is away or slow. Tests that need
 * the real Redis at 127.0.0.1:6379 skip (and say so) on a machine without one; the others use
 * a closed port or a server that never answers.
 */
class RedisRateLimitTest {

    @Test
    void two_instances_sharing_one_redis_hold_one_limit_together() {
        LocalRedis.assumeRunning();
        Map<String, String> shared = Map.of("REDIS_URL", LocalRedis.URL, "REDIS_KEY_PREFIX", LocalRedis.freshKeyPrefix(),
                "REDIS_TIMEOUT_MS", "1000", "RATE_LIMIT_SIGNUPS_PER_IP", "4/1h");
        try (TestStack first = TestStack.start(shared); TestStack second = TestStack.start(shared)) {
            awaitShared(first);
            awaitShared(second);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(signUp(first, "first" + i + "@rocket-users.test"));
                statuses.add(signUp(second, "second" + i + "@rocket-users.test"));
            }

            assertThat(statuses).containsExactly(202, 202, 202, 202, 429, 429);
            assertThat(first.db().fetchCount(SIGNUP) + second.db().fetchCount(SIGNUP)).isEqualTo(4);
            assertThat(first.service().redisRateLimiter().orElseThrow().fallbacks()).isZero();
            assertThat(second.service().redisRateLimiter().orElseThrow().fallbacks()).isZero();
        }
    }

    @Test
    void with_redis_unreachable_at_boot_the_service_starts_and_limits_with_its_own_buckets_and_counts_it() {
        int closedPort = TestStack.freePort();
        try (TestStack stack = TestStack.start(Map.of("REDIS_URL", "redis://127.0.0.1:" + closedPort,
                "RATE_LIMIT_SIGNUPS_PER_IP", "3/1h"))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(signUp(stack, "unreachable" + i + "@rocket-users.test"));
            }

            assertThat(statuses).containsExactly(202, 202, 202, 429);
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(3);
            assertThat(stack.service().redisRateLimiter().orElseThrow().fallbacks()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void with_a_redis_that_accepts_but_never_answers_signups_go_on_and_the_fallbacks_are_counted() throws Exception {
        try (SilentTcpServer silent = new SilentTcpServer();
             TestStack stack = TestStack.start(Map.of("REDIS_URL", "redis://127.0.0.1:" + silent.port(),
                     "REDIS_TIMEOUT_MS", "20", "RATE_LIMIT_SIGNUPS_PER_IP", "5/1h"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(signUp(stack, "silent" + i + "@rocket-users.test")).isEqualTo(202);
            }
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(3);
            assertThat(stack.service().redisRateLimiter().orElseThrow().fallbacks()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void when_redis_turns_slow_on_a_live_connection_decisions_fall_back_and_return_to_redis_when_it_recovers()
            throws Exception {
        LocalRedis.assumeRunning();
        Limit limit = new Limit("slow-redis-test", 1000, Duration.ofHours(1));
        try (PausableTcpProxy proxy = new PausableTcpProxy(6379);
             RedisRateLimiter limiter = RedisRateLimiter.start(new RateLimitSettings.Redis(
                     Secret.of("redis://127.0.0.1:" + proxy.port()), Duration.ofMillis(50), LocalRedis.freshKeyPrefix()),
                     new LocalRateLimiter(100))) {
            Eventually.get(() -> Optional.of(true).filter(ready -> limiter.connected()), Duration.ofSeconds(10));
            // On a busy machine the very first calls (script load, cold code) can miss the 50 ms
            // timeout too (it failed CI once): the test needs one decision that Redis made.
            assertThat(answeredByRedis(limiter, limit).remaining()).isEqualTo(999);
            long fallbacks = limiter.fallbacks();

            proxy.pause();
            Decision whileSlow = limiter.tryConsume(limit, "client");
            assertThat(whileSlow.allowed()).isTrue();
            assertThat(limiter.fallbacks()).isEqualTo(fallbacks + 1);

            proxy.resume();
            Decision recovered = answeredByRedis(limiter, limit);
            // the shared bucket answers again, and remembers the token taken before the slowness
            assertThat(recovered.allowed()).isTrue();
            assertThat(recovered.remaining()).isLessThanOrEqualTo(998);
        }
    }

    /** Asks for the "client" key until Redis, not the local fallback, answers. */
    private static Decision answeredByRedis(RedisRateLimiter limiter, Limit limit) {
        return Eventually.get(() -> {
            long fallbacksBefore = limiter.fallbacks();
            Decision decision = limiter.tryConsume(limit, "client");
            return Optional.of(decision).filter(fromRedis -> limiter.fallbacks() == fallbacksBefore);
        }, Duration.ofSeconds(10));
    }

    private static void awaitShared(TestStack stack) {
        Eventually.get(() -> stack.service().redisRateLimiter().filter(RedisRateLimiter::connected), Duration.ofSeconds(10));
    }

    private static int signUp(TestStack stack, String email) {
        return stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + email + "\"}").status();
    }
}
