package dev.launchline.ratelimit;

import dev.launchline.token.KeyedHash;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Buckets in this JVM's memory. Good for one instance, and the fallback when the shared
 * (Redis) limiter is unreachable.
 *
 * <p>A bucket that is full at first and refilled evenly (Bucket4j's "greedy" refill, which the
 * Redis limiter uses) is one number: the moment it will be full again. A request takes one token,
 * moving that moment one interval (period / capacity) later, unless that would put it more than a
 * period ahead: then the bucket is empty and the request is refused, taking nothing (the "generic
 * cell rate algorithm"). So a key here is two longs in arrays, its fingerprint and that moment;
 * keys whose buckets are full again are as good as absent and make room for new ones.
 *
 * <p>Why not Bucket4j's own buckets, as before: a {@code Bucket} object per key in a Caffeine
 * cache was about 650 bytes a key, 65 MB at the 100,000 keys a launch spike reaches within a
 * minute (every signup names a new address, and most a new IP), and each new key wrote
 * references into old objects (the cache's table and queues), which every young collection then
 * scans: its pauses at 1,000 signups/s were 7 ms against 2.5 ms with the limits switched off
 * (docs/performance.md). Arrays of numbers hold nothing for the collector to trace.
 *
 * <p>Bounded: when a segment is full, the keys whose buckets are full again go, and if that is not
 * enough, those closest to full. Forgetting a key can only ever let a request through, never refuse
 * one. Fingerprints are keyed hashes (a key made at start): no one can pick two keys that share a
 * bucket, and by chance the odds that any two of a million keys held at once do are about 1 in
 * 37 million (64 bits).
 */
public final class LocalRateLimiter implements RateLimiter {
    /** Each with its own lock; 64 request threads rarely meet on one. */
    private static final int SEGMENTS = 16;

    private final Segment[] segments = new Segment[SEGMENTS];
    private final KeyedHash fingerprints;
    private final LongSupplier nanoTime;

    /** @param maxKeys how many keys it remembers at most (32 bytes each, in arrays grown on demand) */
    public LocalRateLimiter(long maxKeys) {
        this(maxKeys, System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds, as {@link System#nanoTime} (tests move it) */
    LocalRateLimiter(long maxKeys, LongSupplier nanoTime) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.fingerprints = new KeyedHash(key, "rate-limit-key:");
        this.nanoTime = nanoTime;
        int perSegment = (int) Math.max(8, Math.min(1 << 26, Math.ceilDiv(maxKeys, SEGMENTS)));
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment(perSegment);
        }
    }

    @Override
    public Decision tryConsume(Limit limit, String key) {
        long fingerprint = fingerprints.bits64(limit.name() + "\u0000" + key);
        long interval = Math.max(1, limit.period().toNanos() / limit.capacity());
        long window = interval * limit.capacity();
        Segment segment = segments[(int) (fingerprint >>> 60)];
        long now;
        long fullAgainAt; // before this request: the moment the bucket is full again (now, if it is full)
        boolean allowed;
        synchronized (segment) {
            now = nanoTime.getAsLong();
            int slot = segment.slotOf(fingerprint);
            long stored = slot < 0 ? now : segment.fullAt[slot];
            fullAgainAt = stored - now > 0 ? stored : now;
            allowed = fullAgainAt + interval - now <= window;
            if (allowed) {
                segment.put(slot, fingerprint, fullAgainAt + interval, now);
            }
        }
        if (!allowed) {
            // one token comes back after (fullAgainAt - now) - (window - interval)
            return new Decision(limit, false, 0, Duration.ofNanos(fullAgainAt + interval - now - window),
                    Duration.ofNanos(fullAgainAt - now));
        }
        long emptyFor = fullAgainAt + interval - now; // how much of the window the bucket now lacks
        return new Decision(limit, true, (window - emptyFor) / interval, Duration.ZERO, Duration.ofNanos(emptyFor));
    }

    /** How many keys it holds now (whose buckets may have filled up since). */
    long size() {
        long size = 0;
        for (Segment segment : segments) {
            synchronized (segment) {
                size += segment.size;
            }
        }
        return size;
    }

    /**
     * An open-addressing table (linear probing) of fingerprints and moments, grown by doubling up
     * to twice its key limit, so that it is at most half full. 0 marks a free slot.
     */
    private static final class Segment {
        private final int maxKeys;
        private long[] fingerprints = new long[64];
        private long[] fullAt = new long[64];
        private int size;

        Segment(int maxKeys) {
            this.maxKeys = maxKeys;
        }

        int slotOf(long fingerprint) {
            long wanted = nonZero(fingerprint);
            int mask = fingerprints.length - 1;
            for (int slot = (int) wanted & mask; ; slot = (slot + 1) & mask) {
                long there = fingerprints[slot];
                if (there == wanted) {
                    return slot;
                }
                if (there == 0) {
                    return -1;
                }
            }
        }

        /** Sets the moment of the key in {@code slot}, or adds the key when the slot is -1. */
        void put(int slot, long fingerprint, long moment, long now) {
            if (slot >= 0) {
                fullAt[slot] = moment;
                return;
            }
            if (size >= maxKeys) {
                forget(now);
            } else if (size >= fingerprints.length / 2) {
                rehash(fingerprints.length * 2, now, 0); // full buckets need no key
            }
            insert(nonZero(fingerprint), moment);
        }

        private void insert(long fingerprint, long moment) {
            int mask = fingerprints.length - 1;
            int slot = (int) fingerprint & mask;
            while (fingerprints[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            fingerprints[slot] = fingerprint;
            fullAt[slot] = moment;
            size++;
        }

        /**
         * Full: drops the keys whose buckets are full again; if that leaves more than three
         * quarters, also those closest to full, down to half.
         */
        private void forget(long now) {
            long[] lacking = new long[size]; // per key, how long until its bucket is full again
            int live = 0;
            for (int slot = 0; slot < fingerprints.length; slot++) {
                if (fingerprints[slot] != 0 && fullAt[slot] - now > 0) {
                    lacking[live++] = fullAt[slot] - now;
                }
            }
            long keepAbove = 0;
            if (live > maxKeys * 3L / 4) {
                Arrays.sort(lacking, 0, live);
                keepAbove = lacking[live - maxKeys / 2 - 1];
            }
            rehash(fingerprints.length, now, keepAbove);
        }

        /** Copies the keys lacking more than {@code keepAbove} nanoseconds into tables of {@code length}. */
        private void rehash(int length, long now, long keepAbove) {
            long[] oldFingerprints = fingerprints;
            long[] oldFullAt = fullAt;
            fingerprints = new long[length];
            fullAt = new long[length];
            size = 0;
            for (int slot = 0; slot < oldFingerprints.length; slot++) {
                if (oldFingerprints[slot] != 0 && oldFullAt[slot] - now > keepAbove) {
                    insert(oldFingerprints[slot], oldFullAt[slot]);
                }
            }
        }

        private static long nonZero(long fingerprint) {
            return fingerprint == 0 ? 1 : fingerprint;
        }
    }
}
