package dev.launchline.health;

import dev.launchline.lead.LeadRepository;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.waitlist.SignupRepository;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Is the funnel taking leads, and is mail leaving? Read from the database, so the answer
 * survives restarts and covers every instance; one reading is reused for
 * {@link HealthSettings#cacheFor()}, so readiness probes, the admin API and metric scrapes
 * together cost at most one set of (indexed) queries per period.
 *
 * <p>Once {@link #startReading() started}, a background reader takes a new reading every
 * {@code cacheFor}, so an answer is never older than that, even after nobody asked for a while
 * (before, the first caller after a quiet spell got the old reading and only started a new one).
 * Callers never wait for the database, except the very first before any reading exists: during a
 * database outage a scrape must not wait out the pool's connection timeout. Not started (tools,
 * tests of this class), an old reading is answered while a fresh one is taken.
 */
public final class LeadCaptureHealth {
    private static final Logger log = LoggerFactory.getLogger(LeadCaptureHealth.class);

    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";

    /** One reading, with the verdict on mail; {@code problems} names each threshold crossed. */
    public record Reading(Optional<OffsetDateTime> lastSignupAt, Optional<OffsetDateTime> lastLeadAt,
                          Optional<OffsetDateTime> lastSentAt, int undelivered, long oldestPendingAgeSeconds,
                          int deadLetters, int recentDeadLetters, List<String> problems, OffsetDateTime readAt) {

        public String mailStatus() {
            return problems.isEmpty() ? OK : DEGRADED;
        }
    }

    private record Cached(Optional<Reading> reading, long readAtNanos) {
    }

    private final DSLContext db;
    private final SignupRepository signups;
    private final LeadRepository leads;
    private final OutboxRepository outbox;
    private final HealthSettings settings;
    private final Clock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Cached cached;
    private volatile boolean readingInBackground;

    public LeadCaptureHealth(DSLContext db, SignupRepository signups, LeadRepository leads, OutboxRepository outbox,
                             HealthSettings settings, Clock clock) {
        this.db = db;
        this.signups = signups;
        this.leads = leads;
        this.outbox = outbox;
        this.settings = settings;
        this.clock = clock;
    }

    public HealthSettings settings() {
        return settings;
    }

    /** The latest reading, at most {@code cacheFor} old; empty when the database could not be read. */
    public Optional<Reading> current() {
        Cached latest = cached;
        if (latest == null) {
            synchronized (this) { // the first callers wait for one reading instead of each making their own
                if (cached == null) {
                    cached = new Cached(read(), System.nanoTime());
                }
                return cached.reading();
            }
        }
        if (!readingInBackground && !fresh(latest) && refreshing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("lead-capture-health").start(() -> {
                try {
                    cached = new Cached(read(), System.nanoTime());
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return latest.reading();
    }

    /** Starts the background reader; closing it stops the reader. */
    public AutoCloseable startReading() {
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lead-capture-health");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.cacheFor().toMillis();
        reader.scheduleWithFixedDelay(() -> cached = new Cached(read(), System.nanoTime()), 0, interval,
                TimeUnit.MILLISECONDS);
        readingInBackground = true;
        return reader::shutdownNow;
    }

    private boolean fresh(Cached latest) {
        return latest != null && System.nanoTime() - latest.readAtNanos() < settings.cacheFor().toNanos();
    }

    private Optional<Reading> read() {
        try {
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            OutboxRepository.Backlog backlog = outbox.backlog(now.minus(settings.deadLetterWindow()));
            long oldestAge = backlog.oldestCreatedAt()
                    .map(created -> Math.max(0, Duration.between(created, now).toSeconds()))
                    .orElse(0L);
            int recentDead = backlog.deadRecently();
            List<String> problems = new ArrayList<>();
            if (backlog.undelivered() > 0 && oldestAge >= settings.oldestPendingWarn().toSeconds()) {
                problems.add("oldest_pending_email_too_old");
            }
            if (backlog.undelivered() >= settings.backlogWarn()) {
                problems.add("outbox_backlog_too_large");
            }
            if (recentDead >= settings.deadLettersWarn()) {
                problems.add("too_many_dead_letters");
            }
            return Optional.of(new Reading(signups.lastCreatedAt(db), leads.lastCreatedAt(db), outbox.lastSentAt(),
                    backlog.undelivered(), oldestAge, backlog.dead(), recentDead, List.copyOf(problems), now));
        } catch (RuntimeException unreadable) {
            log.warn("lead-capture health: database unreadable ({})", unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
