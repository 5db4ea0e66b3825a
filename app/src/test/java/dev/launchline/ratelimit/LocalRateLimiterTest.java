package dev.launchline.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The per-instance limiter, on a clock the test moves. */
class LocalRateLimiterTest {
    private static final Limit THREE_PER_HOUR = new Limit("signups_per_ip", 3, Duration.ofHours(1));

    private final AtomicLong clock = new AtomicLong(123_456_789L);

    private LocalRateLimiter limiter(long maxKeys) {
        return new LocalRateLimiter(maxKeys, clock::get);
    }

    @Test
    void a_bucket_is_full_at_first_refuses_when_empty_without_taking_and_refills_evenly() {
        LocalRateLimiter limiter = limiter(1000);

        Decision first = limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7");
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(first.retryAfter()).isZero();
        assertThat(first.resetIn()).isEqualTo(Duration.ofMinutes(20));
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").remaining()).isEqualTo(1);
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").remaining()).isEqualTo(0);

        clock.addAndGet(Duration.ofMinutes(5).toNanos());
        Decision refused = limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(15)); // one token every 20 minutes
        assertThat(refused.resetIn()).isEqualTo(Duration.ofMinutes(55));
        // a refusal took nothing: still 15 minutes to the next token, not 35
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").retryAfter()).isEqualTo(Duration.ofMinutes(15));

        clock.addAndGet(Duration.ofMinutes(15).toNanos());
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").allowed()).isTrue();
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").allowed()).isFalse();

        clock.addAndGet(Duration.ofHours(1).toNanos()); // full again, whatever came before
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").remaining()).isEqualTo(2);
    }

    @Test
    void keys_and_limits_have_buckets_of_their_own() {
        LocalRateLimiter limiter = limiter(1000);
        Limit perEmail = new Limit("per_email", 3, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7");
        }
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.7").allowed()).isFalse();
        assertThat(limiter.tryConsume(THREE_PER_HOUR, "203.0.113.8").remaining()).isEqualTo(2);
        assertThat(limiter.tryConsume(perEmail, "203.0.113.7").remaining()).isEqualTo(2);
    }

    /** The same decisions as Bucket4j's bucket with the same greedy refill, step by step on the same clock. */
    @Test
    void it_decides_as_bucket4j_does_over_a_random_walk() {
        Random random = new Random(42);
        for (Limit limit : List.of(THREE_PER_HOUR, new Limit("per_ip", 20, Duration.ofMinutes(1)),
                new Limit("per_email", 5, Duration.ofHours(1)), new Limit("ceiling", 300, Duration.ofMinutes(1)))) {
            LocalRateLimiter limiter = limiter(1000);
            Bucket reference = Bucket.builder()
                    .addLimit(RedisRateLimiter.bandwidth(limit))
                    .withCustomTimePrecision(new TimeMeter() {
                        @Override
                        public long currentTimeNanos() {
                            return clock.get();
                        }

                        @Override
                        public boolean isWallClockBased() {
                            return false;
                        }
                    })
                    .build();
            long interval = limit.period().toNanos() / limit.capacity();
            int refused = 0;
            for (int step = 0; step < 5_000; step++) {
                // bursts (no time passing) and gaps of up to two intervals, so buckets both empty and refill
                if (random.nextInt(3) == 0) {
                    clock.addAndGet((long) (random.nextDouble() * 2 * interval));
                }
                Decision ours = limiter.tryConsume(limit, "key");
                ConsumptionProbe theirs = reference.tryConsumeAndReturnRemaining(1);
                assertThat(ours.allowed()).as("step %d of %s", step, limit).isEqualTo(theirs.isConsumed());
                assertThat(ours.remaining()).as("step %d of %s", step, limit).isEqualTo(theirs.getRemainingTokens());
                if (!ours.allowed()) {
                    refused++;
                    assertThat(ours.retryAfter().toNanos()).as("step %d of %s", step, limit)
                            .isCloseTo(theirs.getNanosToWaitForRefill(), offset(1_000L));
                }
            }
            assertThat(refused).as("the walk emptied the bucket of %s", limit).isGreaterThan(100);
        }
    }

    @Test
    void a_flood_of_new_keys_stays_within_bounds_and_cannot_refill_an_emptied_bucket() {
        LocalRateLimiter limiter = limiter(1_600); // 100 keys per segment
        Limit perEmail = new Limit("per_email", 5, Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            limiter.tryConsume(perEmail, "victim@example.com");
        }
        for (int i = 0; i < 100_000; i++) {
            assertThat(limiter.tryConsume(perEmail, "bomb" + i + "@example.com").allowed()).isTrue();
            assertThat(limiter.size()).isLessThanOrEqualTo(1_600);
        }
        // forgetting starts with the buckets closest to full: the emptied one is kept
        assertThat(limiter.tryConsume(perEmail, "victim@example.com").allowed()).isFalse();
    }

    @Test
    void keys_whose_buckets_are_full_again_make_room_before_any_other_is_forgotten() {
        LocalRateLimiter limiter = limiter(1_600); // 100 keys per segment
        for (int i = 0; i < 1_500; i++) {
            limiter.tryConsume(THREE_PER_HOUR, "early" + i);
        }
        clock.addAndGet(Duration.ofMinutes(21).toNanos()); // the early keys' single token is back
        for (int i = 0; i < 700; i++) { // with the early ones, past the limit of every segment
            for (int take = 0; take < 3; take++) {
                limiter.tryConsume(THREE_PER_HOUR, "next" + i);
            }
        }
        assertThat(limiter.size()).isLessThan(1_500);
        for (int i = 0; i < 700; i++) {
            assertThat(limiter.tryConsume(THREE_PER_HOUR, "next" + i).allowed()).as("next%d remembered", i).isFalse();
        }
    }

    @Test
    void threads_racing_for_one_bucket_get_exactly_its_tokens() throws Exception {
        LocalRateLimiter limiter = new LocalRateLimiter(1000); // the real clock: a minute does not pass here
        Limit limit = new Limit("per_referral_code", 500, Duration.ofDays(1));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> racers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                racers.add(() -> {
                    int allowed = 0;
                    for (int i = 0; i < 200; i++) {
                        allowed += limiter.tryConsume(limit, "launch:CODE").allowed() ? 1 : 0;
                        limiter.tryConsume(limit, "other" + i); // other keys meanwhile, growing the tables
                    }
                    return allowed;
                });
            }
            int allowed = 0;
            for (Future<Integer> racer : threads.invokeAll(racers)) {
                allowed += racer.get();
            }
            assertThat(allowed).isEqualTo(500);
        } finally {
            threads.shutdownNow();
        }
    }
}
