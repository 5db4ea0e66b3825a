package dev.launchline.waitlist;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Answers a repeat signup no sooner than a new one would have been answered.
 *
 * <p>Why: the answer to a signup is the same whether the address is new, pending or confirmed
 * (the no-enumeration promise), but its timing was not: on loopback a new address took a median
 * 7.8 ms, a pending one 11.9 ms and a confirmed one 10.5 ms, because a repeat ran a second
 * transaction after the new-signup statement found the address there (issue 18). A repeat's
 * reminder is now written after the answer (SignupService), so the answer itself costs about what
 * a new signup's does, less the commit's wait for the disk, which on a slow disk is most of it.
 *
 * <p>What is left is evened out by quantile matching, per waitlist: a repeat whose own time is at
 * quantile q of the last {@value #SAMPLES} repeats waits until it has taken quantile q of the last
 * {@value #SAMPLES} new signups. Where repeats are already as slow as new signups, no repeat waits;
 * where they are faster (a slow disk), their times are stretched onto the new signups'
 * distribution. (Waiting out a random new signup's time instead would answer each repeat at the
 * later of two draws: a higher median than new signups, the very gap to close.) New signups are
 * never slowed: they only record how long they took.
 */
final class RepeatSignupPadding {
    static final int SAMPLES = 64;
    /** Never hold a request longer than this for the sake of padding (a stall among the samples). */
    private static final long MAX_PAD_NANOS = Duration.ofMillis(250).toNanos();

    private final Map<String, Samples> newSignups = new ConcurrentHashMap<>();
    private final Map<String, Samples> repeats = new ConcurrentHashMap<>();

    /** A new signup on this waitlist, begun at {@code startedNanos} (System.nanoTime), is answered now. */
    void newSignupAnswered(String waitlist, long startedNanos) {
        newSignups.computeIfAbsent(waitlist, slug -> new Samples()).add(System.nanoTime() - startedNanos);
    }

    /** A repeat signup begun at {@code startedNanos} is ready to answer: waits as long as quantile matching says. */
    void padRepeat(String waitlist, long startedNanos) {
        long own = System.nanoTime() - startedNanos;
        Samples ownKind = repeats.computeIfAbsent(waitlist, slug -> new Samples());
        double quantile = ownKind.quantileOf(own);
        ownKind.add(own);
        Samples target = newSignups.get(waitlist);
        if (target == null || Double.isNaN(quantile)) {
            return; // nothing to match yet on this instance
        }
        long remaining = Math.min(target.at(quantile), MAX_PAD_NANOS) - (System.nanoTime() - startedNanos);
        if (remaining > 0) {
            try {
                Thread.sleep(Duration.ofNanos(remaining));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The last SAMPLES durations of one kind, written by many threads; a torn read only blurs a sample. */
    private static final class Samples {
        private final AtomicLongArray nanos = new AtomicLongArray(SAMPLES);
        private final AtomicInteger written = new AtomicInteger();

        void add(long duration) {
            nanos.set(Math.floorMod(written.getAndIncrement(), SAMPLES), duration);
        }

        /** The share of samples below {@code duration}, from 0 to 1; NaN while there are none. */
        double quantileOf(long duration) {
            int filled = Math.min(written.get(), SAMPLES);
            if (filled == 0) {
                return Double.NaN;
            }
            int below = 0;
            for (int i = 0; i < filled; i++) {
                below += nanos.get(i) < duration ? 1 : 0;
            }
            return (below + 0.5) / (filled + 1);
        }

        /** The sample at this quantile. */
        long at(double quantile) {
            int filled = Math.min(written.get(), SAMPLES);
            long[] sorted = new long[filled];
            for (int i = 0; i < filled; i++) {
                sorted[i] = nanos.get(i);
            }
            Arrays.sort(sorted);
            return sorted[Math.min(filled - 1, (int) (quantile * filled))];
        }
    }
}
