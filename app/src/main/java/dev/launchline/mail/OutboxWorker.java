package dev.launchline.mail;

import dev.launchline.db.DatabaseUnreachable;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.metrics.MailMetrics;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Delivers the outbox. One thread per sender (OUTBOX_SENDERS per instance); senders share the
 * work through the emails each claim holds (OutboxRepository#holdDue). It wakes when a request
 * queues mail ({@link #nudge()}) or every poll interval, except while it waits out an outage.
 *
 * Failures are sorted by whose fault they are: an unreachable SMTP server hands the batch
 * back without counting an attempt (hours of outage must not dead-letter the queue); a
 * temporary rejection of one message counts an attempt and is retried with exponential
 * backoff and jitter; a permanent (5xx) rejection or too many attempts dead-letters it.
 */
public final class OutboxWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    /**
     * How long an SMTP connection may sit unused before the worker closes it. Reusing one
     * connection while mail keeps coming saves a connect and greeting per batch (at a launch
     * spike, batches are small and many); closing it soon after keeps us well inside the idle
     * timeout of any relay (RFC 5321 asks servers for at least 5 minutes; some close sooner).
     */
    private static final Duration IDLE_CLOSE = Duration.ofSeconds(10);
    /**
     * While mail keeps coming, how long a nudge waits before claiming, so that one claim takes
     * the signups of those milliseconds together. Without it a launch spike claimed one or two
     * emails at a time: a claim and a "sent" update per email or two, the claim query running in
     * a third of the samples of PostgreSQL's activity (wrk at 400 signups/s). The first email
     * after a quiet spell goes at once.
     */
    private static final Duration LINGER = Duration.ofMillis(20);
    /** However long a batch took while starved of CPU, mail is never held back longer at a time. */
    private static final Duration MAX_GIVE_WAY = Duration.ofSeconds(2);

    /** Told what operators must hear about, so it can be reported. */
    public interface DeadLetterListener {
        /** An email that will not be delivered. */
        void deadLettered(OutboxEmailRecord email, String reason);

        /** A whole batch failed unexpectedly (e.g. the database is gone); the worker backs off and goes on. */
        default void batchFailed(RuntimeException error) {
        }
    }

    private final OutboxRepository outbox;
    private final SmtpMailer mailer;
    private final DeferredRendering rendering;
    private final OutboxSettings settings;
    private final DeadLetterListener deadLetters;
    private final MailThrottle throttle;
    private final MailMetrics metrics;
    private final Semaphore wakeUp = new Semaphore(0);
    /** Opened by close(): stops the loop, and only it ends a sit-out early; nudges do not reach it (see sitOut). */
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private final LongSupplier requestsQueued;
    private final BooleanSupplier coresSaturated;
    private final RecipientCheck recipients;
    private Duration outageBackoff = Duration.ZERO;
    private final QueueHead queueHead = new QueueHead(System::nanoTime);
    private SmtpMailer.Connection connection; // only the worker thread touches it
    private long connectionLastUsed;

    /**
     * @param requestsQueued how many requests have had to wait for a slot since the service
     *                       started (OverloadShedding); while that grows, the sender gives way
     */
    public OutboxWorker(OutboxRepository outbox, SmtpMailer mailer, DeferredRendering rendering, OutboxSettings settings,
                        DeadLetterListener deadLetters, MailThrottle throttle, MailMetrics metrics,
                        LongSupplier requestsQueued) {
        this(outbox, mailer, rendering, settings, deadLetters, throttle, metrics, requestsQueued, () -> false,
                RecipientCheck.NONE);
    }

    /**
     * @param coresSaturated whether the machine's cores are all but saturated while requests come in
     *                       ({@code http.CoreSaturation}); then, too, the sender gives way
     * @param recipients     asked before each email whether its recipient is suppressed
     */
    public OutboxWorker(OutboxRepository outbox, SmtpMailer mailer, DeferredRendering rendering, OutboxSettings settings,
                        DeadLetterListener deadLetters, MailThrottle throttle, MailMetrics metrics,
                        LongSupplier requestsQueued, BooleanSupplier coresSaturated, RecipientCheck recipients) {
        this.recipients = recipients;
        this.rendering = rendering;
        this.requestsQueued = requestsQueued;
        this.coresSaturated = coresSaturated;
        this.metrics = metrics;
        this.outbox = outbox;
        this.mailer = mailer;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.throttle = throttle;
        this.thread = Thread.ofPlatform().name("outbox-worker").daemon(false).unstarted(this::loop);
    }

    public OutboxWorker start() {
        thread.start();
        return this;
    }

    private boolean stopping() {
        return closing.getCount() == 0;
    }

    /** The sending thread's id, for tests that watch it wait. */
    long threadId() {
        return thread.threadId();
    }

    /** New mail was committed: deliver it now rather than at the next poll. */
    public void nudge() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private void loop() {
        while (!stopping()) {
            int delivered = 0;
            long queuedBefore = requestsQueued.getAsLong();
            long started = System.nanoTime();
            try {
                delivered = deliverBatch();
            } catch (RuntimeException unexpected) {
                // e.g. the database is unreachable: log, back off like an SMTP outage, go on
                outageBackoff = nextOutageBackoff();
                if (DatabaseUnreachable.explains(unexpected)) {
                    // an outage, logged once where it is found (FailFastConnections) and shown by
                    // /readyz: one line here, and nothing for error tracking every second
                    log.warn("outbox: database unreachable; retrying in {} ms", outageBackoff.toMillis());
                } else {
                    log.error("outbox batch failed; retrying in {} ms", outageBackoff.toMillis(), unexpected);
                    deadLetters.batchFailed(unexpected);
                }
            }
            closeConnectionIfIdle();
            try {
                if (!outageBackoff.isZero()) {
                    sitOut(outageBackoff);
                    continue;
                }
                if (delivered > 0 && (requestsQueued.getAsLong() > queuedBefore || coresSaturated.getAsBoolean())) {
                    giveWay(Duration.ofNanos(System.nanoTime() - started));
                }
                if (delivered == settings.batchSize()) {
                    continue; // more is probably waiting
                }
                boolean nudged = wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (nudged && delivered > 0) {
                    Thread.sleep(LINGER.toMillis());
                }
                wakeUp.drainPermits();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeConnection();
    }

    /**
     * Requests had to queue for a slot while this batch was sent, or the cores are saturated while
     * requests come in (fewer at once than the slots, so none queued: a closed loop of 32
     * connections on 2 cores sent 935 emails/s beside 2,746 signups/s, where the signup path alone
     * did 5,224/s): the service is past what its cores can do, and the mail sender (with the SMTP
     * server and PostgreSQL work it causes) is competing with signups for them. It pauses so that it spends at most OUTBOX_SHARE_WHEN_BUSY
     * percent of its time sending; its mail waits, durably, and goes out at full speed once
     * requests stop queueing. On the 2-core benchmark box, a step from idle to 2,000 signups/s
     * stored 990/s while mail kept sending 538/s beside them, and 1,468/s with no mail sent at
     * all: a launch spike is better spent storing leads than confirming them at once.
     */
    private void giveWay(Duration batchTook) throws InterruptedException {
        int share = settings.shareWhenBusy();
        if (share >= 100) {
            return;
        }
        Duration pause = batchTook.multipliedBy(100 - share).dividedBy(share);
        pause = pause.compareTo(MAX_GIVE_WAY) > 0 ? MAX_GIVE_WAY : pause;
        metrics.gaveWay(pause);
        sitOut(pause);
    }

    /**
     * Waits out an SMTP or database outage (or a pause giving way to requests) whatever new mail
     * arrives meanwhile. A nudge from every signup, or a full batch handed back, must not start
     * the next try at once: during a relay outage at 1,000 signups/s that re-claimed and rewrote
     * the whole queue, bodies and all, in one burst (1.8 outbox row updates per signup under wrk),
     * and retried the dead relay on every signup. Only close() cuts it short. It waits on its own
     * latch, not on the nudges' semaphore: waiting there, every signup's nudge woke the sitting-out
     * thread only for it to go back to sleep, a futex wake and two context switches per signup,
     * and that when the cores are scarcest (giving way under overload) or the relay is down.
     */
    private void sitOut(Duration backoff) throws InterruptedException {
        closing.await(backoff.toNanos(), TimeUnit.NANOSECONDS);
        wakeUp.drainPermits();
    }

    /**
     * Delivers up to OUTBOX_BATCH_SIZE due emails: holds them in one claim
     * ({@link OutboxRepository#holdDue}), then sends them one by one, marking each as soon as SMTP
     * answered. Returns how many it took. Public for tests and tools.
     *
     * <p>Each email is marked on its own, so that a crash (kill -9, a lost database connection)
     * between SMTP's "accepted" and the mark sends at most the one email in hand again, with the
     * same Message-ID: at least once, never lost, and at most one duplicate per sender. (When a
     * whole batch shared one transaction, a kill -9 with 1,379 emails queued sent 26 of them twice,
     * issue 18.) What the sender held and did not send is due again as soon as its claim ends: when
     * it stops, after {@link #MAX_HOLD}, or with its connection. The marks do not wait for the disk
     * (synchronous_commit off, for the sender's writes only): if PostgreSQL itself crashes, a mark
     * from its last moments may be lost and that email goes out again; a signup's own commit still
     * waits for the disk.
     */
    public int deliverBatch() {
        return outbox.holdDue(settings.batchSize(), queueHead.from(), this::deliverHeld);
    }

    /**
     * The longest a claim holds its emails, however slow the relay: its transaction holds back
     * VACUUM's horizon meanwhile, and the rest of the batch goes to the next claim (or to another
     * sender) soon after.
     */
    private static final Duration MAX_HOLD = Duration.ofSeconds(10);

    private int deliverHeld(List<ClaimedEmail> held) {
        if (held.isEmpty()) {
            return 0;
        }
        // the earliest: what this claim leaves unsent is due from there, and the next claim finds it
        queueHead.found(held.get(0).email().getNextAttemptAt());
        long until = System.nanoTime() + MAX_HOLD.toNanos();
        int taken = 0;
        int heldBack = 0;
        Duration holdBackFor = Duration.ZERO;
        for (ClaimedEmail email : held) {
            if (stopping() || System.nanoTime() - until > 0) {
                break; // the rest is due again when the claim ends, at once
            }
            Attempt attempt = deliverOne(email);
            taken++;
            switch (attempt.outcome()) {
                case SENT -> metrics.sent(attempt.kind()); // counted once the "sent" mark committed
                case HELD_BACK -> {
                    heldBack++;
                    holdBackFor = attempt.delay().compareTo(holdBackFor) > 0 ? attempt.delay() : holdBackFor;
                }
                default -> {
                }
            }
            if (attempt.outcome() == Outcome.SMTP_UNREACHABLE) {
                break; // outageBackoff is set: the loop sits it out; the rest stays as it was
            }
        }
        if (heldBack > 0) {
            log.warn("{} emails held back by the sending ceiling; next try in {} ms", heldBack, holdBackFor.toMillis());
        }
        return taken;
    }

    private enum Outcome { SENT, SUPPRESSED, REFUSED, HELD_BACK, SMTP_UNREACHABLE }

    private record Attempt(Outcome outcome, String kind, Duration delay) {
    }

    private Attempt deliverOne(ClaimedEmail claimed) {
        OutboxEmailRecord email = claimed.email();
        // before the sending ceiling: mail that will never go must not use up its budget
        Optional<String> suppressed = claimed.listed().flatMap(listed -> recipients.blocks(email.getKind(), listed));
        if (suppressed.isPresent()) {
            outbox.markSuppressed(email.getId(), suppressed.get());
            log.info("outbox email {} ({}) not sent: {}", email.getId(), email.getKind(), suppressed.get());
            metrics.suppressed(email.getKind());
            return new Attempt(Outcome.SUPPRESSED, email.getKind(), Duration.ZERO);
        }
        Duration holdBack = throttle.holdBack(email.getKind());
        if (!holdBack.isZero()) {
            outbox.postpone(List.of(email.getId()), outbox.now().plus(holdBack), "held back: sending ceiling reached");
            return new Attempt(Outcome.HELD_BACK, email.getKind(), holdBack);
        }
        if (email.getTemplateData() != null) {
            Optional<String> unrenderable = render(email);
            if (unrenderable.isPresent()) {
                deadLetter(email, unrenderable.get(), email.getAttempts() + 1);
                return new Attempt(Outcome.REFUSED, email.getKind(), Duration.ZERO);
            }
        }
        try {
            boolean accepted = deliver(email);
            outageBackoff = Duration.ZERO;
            if (accepted) {
                if (!outbox.markSent(email.getId())) {
                    log.warn("outbox email {} ({}) was sent, but something else had finished it meanwhile",
                            email.getId(), email.getKind());
                }
                return new Attempt(Outcome.SENT, email.getKind(), Duration.ZERO);
            }
            return new Attempt(Outcome.REFUSED, email.getKind(), Duration.ZERO);
        } catch (MessagingException unreachable) {
            closeConnection();
            outageBackoff = nextOutageBackoff();
            metrics.smtpUnreachable();
            log.warn("SMTP server unreachable ({}); the emails stay queued, retrying in {} ms",
                    unreachable.getClass().getSimpleName(), outageBackoff.toMillis());
            outbox.postpone(List.of(email.getId()), outbox.now().plus(outageBackoff), "SMTP server unreachable");
            return new Attempt(Outcome.SMTP_UNREACHABLE, email.getKind(), outageBackoff);
        }
    }

    /**
     * Renders a deferred email (queued as template data) with the templates in force now; the
     * reason it cannot be, if it cannot. Trying again would not help: the same data meets the
     * same templates and configuration.
     */
    private Optional<String> render(OutboxEmailRecord email) {
        try {
            rendering.render(email);
            return Optional.empty();
        } catch (DeferredRendering.Unrenderable expected) {
            return Optional.of("could not be rendered: " + expected.getMessage()); // deadLetter logs it
        } catch (RuntimeException failed) {
            // a defect (a template that throws, unreadable data): its stack trace is what fixes it
            log.error("outbox email {} ({}) could not be rendered", email.getId(), email.getKind(), failed);
            return Optional.of("could not be rendered: " + failed.getMessage());
        }
    }

    private void deadLetter(OutboxEmailRecord email, String reason, int attempts) {
        outbox.markFailed(email.getId(), reason, null);
        log.warn("outbox email {} ({}) dead-lettered after {} attempts: {}", email.getId(), email.getKind(), attempts, reason);
        metrics.deadLettered(email.getKind());
        deadLetters.deadLettered(email, reason);
    }

    /**
     * Sends one email over the kept connection (opening one if needed) and records a refusal;
     * returns whether SMTP accepted it. A connection kept from an earlier batch may have been
     * closed by the server meanwhile: then the email is tried once more on a new one. Throws
     * only when the server cannot be reached.
     */
    private boolean deliver(OutboxEmailRecord email) throws MessagingException {
        boolean reused = connection != null;
        if (!reused) {
            connection = mailer.connect();
        }
        try {
            return deliver(connection, email);
        } catch (MessagingException dropped) {
            closeConnection();
            if (!reused) {
                throw dropped;
            }
            connection = mailer.connect();
            return deliver(connection, email);
        } finally {
            connectionLastUsed = System.nanoTime();
        }
    }

    private void closeConnectionIfIdle() {
        if (connection != null && System.nanoTime() - connectionLastUsed > IDLE_CLOSE.toNanos()) {
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /**
     * Sends one email and records a refusal; returns whether SMTP accepted it (the caller marks
     * it sent). Throws only when the connection itself failed.
     */
    private boolean deliver(SmtpMailer.Connection connection, OutboxEmailRecord email)
            throws MessagingException {
        try {
            connection.send(email);
            return true;
        } catch (MessagingException failure) {
            if (!connection.isOpen() && !(failure instanceof SendFailedException)) {
                throw failure; // the connection dropped: not this message's fault
            }
            int attempts = email.getAttempts() + 1;
            boolean permanent = smtpCode(failure) >= 500;
            String reason = (permanent ? "permanent" : "temporary") + " SMTP failure, code " + smtpCode(failure);
            if (permanent || attempts >= settings.maxAttempts()) {
                deadLetter(email, reason, attempts);
            } else {
                outbox.markFailed(email.getId(), reason, retryAt(attempts));
                metrics.retried(email.getKind());
            }
            return false;
        }
    }

    /** Exponential backoff with "equal jitter": half fixed, half random, capped. */
    OffsetDateTime retryAt(int attempts) {
        long base = settings.retryBase().toMillis();
        long exponential = Math.min(settings.retryMax().toMillis(), base * (1L << Math.min(attempts - 1, 30)));
        long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
        return outbox.now().plus(Duration.ofMillis(jittered));
    }

    private Duration nextOutageBackoff() {
        long doubled = outageBackoff.isZero() ? settings.pollInterval().toMillis() : outageBackoff.toMillis() * 2;
        return Duration.ofMillis(Math.min(doubled, Math.max(settings.retryBase().toMillis(), 1000)));
    }

    private static int smtpCode(MessagingException failure) {
        for (Throwable cause = failure; cause != null; ) {
            if (cause instanceof SMTPAddressFailedException address) {
                return address.getReturnCode();
            }
            if (cause instanceof SMTPSendFailedException send) {
                return send.getReturnCode();
            }
            Throwable next = cause instanceof MessagingException messaging ? messaging.getNextException() : null;
            cause = next != null ? next : cause.getCause();
            if (cause == failure) {
                break;
            }
        }
        return 0;
    }

    /** Stops after the email in flight; held-but-unsent emails are due again at once. */
    @Override
    public void close() {
        closing.countDown();
        wakeUp.release();
        if (thread.getState() == Thread.State.NEW) {
            closeConnection(); // never started: batches were run by hand (tests, tools)
            return;
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
