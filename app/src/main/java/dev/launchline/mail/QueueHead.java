package dev.launchline.mail;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * Where one mail sender's next claim starts walking the due index (outbox_email_due_idx, ordered
 * by next_attempt_at).
 *
 * <p>Why not from its start: every email sent leaves a dead entry there until VACUUM comes round
 * (up to a minute, V14), and all of them sort before the queue's head, so a claim from the start
 * passes every email sent in the last minute. With 60,000 such entries a claim read 166 buffers
 * and took 0.43 ms (against 4 buffers and 0.05 ms starting at the head); at 1,000 signups/s the
 * two senders' PostgreSQL backends used two thirds of a core, more than all the signups' own
 * database work, on the 2-core benchmark machine.
 *
 * <p>So a claim starts {@link #MARGIN} before the head the last claim found, even when the queue
 * was empty since (new mail is due now, after the head). Rows that sort before that are found by a
 * claim from the start, at least every {@link #FROM_THE_START_EVERY}. Such rows are rare: an email
 * committed long after its next_attempt_at was set (a long transaction), or one locked by a sender
 * that died; they wait at most that long more. A first version walked from the start whenever
 * the short walk found nothing: a sender keeping pace finds nothing at the end of nearly every
 * batch, so it still passed every dead entry about as often as it sent an email.
 */
final class QueueHead {
    /** Before every row's next_attempt_at: a claim from here walks the whole due index. */
    static final OffsetDateTime START = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
    static final Duration MARGIN = Duration.ofSeconds(1);
    static final Duration FROM_THE_START_EVERY = Duration.ofSeconds(1);

    private final LongSupplier nanoTime;
    private OffsetDateTime head; // null until a claim found mail: the next claim walks from the start
    private long lastFromTheStart;

    QueueHead(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastFromTheStart = nanoTime.getAsLong();
    }

    /** Where the next claim starts: a little before the last head, or the start when it is time. */
    OffsetDateTime from() {
        long now = nanoTime.getAsLong();
        if (head == null || now - lastFromTheStart >= FROM_THE_START_EVERY.toNanos()) {
            lastFromTheStart = now;
            return START;
        }
        return head.minus(MARGIN);
    }

    /** A claim found an email due at this time: the head is there now. */
    void found(OffsetDateTime nextAttemptAt) {
        head = nextAttemptAt;
    }
}
