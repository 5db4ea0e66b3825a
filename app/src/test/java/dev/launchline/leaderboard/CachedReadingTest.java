package dev.launchline.leaderboard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The leaderboard's cache, with a clock the test moves: what a launch spike costs the database. */
class CachedReadingTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void a_spike_of_concurrent_requests_costs_one_reading_per_period() throws Exception {
        CountDownLatch slowQuery = new CountDownLatch(1);
        CachedReading<Integer> cache = new CachedReading<>(() -> {
            await(slowQuery);
            return reads.incrementAndGet();
        }, Duration.ofSeconds(15), now::get);

        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService spike = Executors.newFixedThreadPool(32)) {
            for (int i = 0; i < 32; i++) {
                answers.add(spike.submit(() -> cache.get().value()));
            }
            Thread.sleep(100); // all 32 are waiting on the first, slow reading
            slowQuery.countDown();
            for (Future<Integer> answer : answers) {
                assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
        now.addAndGet(Duration.ofSeconds(14).toNanos());
        assertThat(cache.get().value()).isEqualTo(1);
        assertThat(reads).hasValue(1);
    }

    @Test
    void once_the_period_is_over_one_request_reads_again_while_the_others_get_the_previous_reading() throws Exception {
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CachedReading<Integer> cache = new CachedReading<>(() -> {
            int reading = reads.incrementAndGet();
            if (reading == 2) {
                refreshing.countDown();
                await(release);
            }
            return reading;
        }, Duration.ofSeconds(15), now::get);
        assertThat(cache.get().value()).isEqualTo(1);

        now.addAndGet(Duration.ofSeconds(15).toNanos());
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            Future<Integer> refresher = executor.submit(() -> cache.get().value());
            assertThat(refreshing.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cache.get().value()).as("served while the refresh runs").isEqualTo(1);
            release.countDown();
            assertThat(refresher.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(cache.get().value()).isEqualTo(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void a_reading_says_how_many_seconds_of_its_period_are_left_rounded_up() {
        CachedReading<Integer> cache = new CachedReading<>(reads::incrementAndGet, Duration.ofSeconds(15), now::get);
        CachedReading.Reading<Integer> reading = cache.get();
        assertThat(reading.secondsLeft()).isEqualTo(15);
        now.addAndGet(Duration.ofMillis(14_001).toNanos());
        assertThat(reading.secondsLeft()).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(reading.secondsLeft()).isZero();
    }

    @Test
    void a_failed_reading_is_not_cached_and_the_next_request_tries_again() {
        AtomicInteger attempts = new AtomicInteger();
        CachedReading<Integer> cache = new CachedReading<>(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("database down");
            }
            return attempts.get();
        }, Duration.ofSeconds(15), now::get);
        org.assertj.core.api.Assertions.assertThatThrownBy(cache::get).hasMessage("database down");
        assertThat(cache.get().value()).isEqualTo(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException interrupted) {
            throw new IllegalStateException(interrupted);
        }
    }
}
