package dev.launchline.leaderboard;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One value read again once it is older than its time to live, by one request at a time: while
 * a request reads it, the others get the previous reading instead of a query of their own. So a
 * launch spike costs one query per time to live, however many requests it brings. Only the very
 * first reading is waited for.
 */
final class CachedReading<T> {

    /** A value and how long it stays fresh. */
    record Reading<T>(T value, long readAtNanos, long ttlNanos, LongSupplier nanoTime) {
        boolean fresh() {
            return nanoTime.getAsLong() - readAtNanos < ttlNanos;
        }

        /** Whole seconds until the next reading (rounded up): what a browser or CDN may cache it for. */
        long secondsLeft() {
            long left = ttlNanos - (nanoTime.getAsLong() - readAtNanos);
            return Math.max(0, (left + 999_999_999L) / 1_000_000_000L);
        }
    }

    private final Supplier<T> read;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Reading<T> latest;

    CachedReading(Supplier<T> read, Duration ttl, LongSupplier nanoTime) {
        this.read = read;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    Reading<T> get() {
        Reading<T> current = latest;
        if (current != null && current.fresh()) {
            return current;
        }
        if (current == null) {
            reading.lock(); // nothing to show yet: wait for the one reading under way
        } else if (!reading.tryLock()) {
            return current; // another request is reading it now
        }
        try {
            Reading<T> meanwhile = latest;
            if (meanwhile != null && meanwhile.fresh()) {
                return meanwhile;
            }
            // timed from before the query: everything committed before it started is in this reading
            long started = nanoTime.getAsLong();
            Reading<T> fresh = new Reading<>(read.get(), started, ttlNanos, nanoTime);
            latest = fresh;
            return fresh;
        } finally {
            reading.unlock();
        }
    }
}
