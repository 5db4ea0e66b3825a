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

/**
 * Is the funnel taking leads, and is mail leaving? Read from the database, so the answer
 * survives restarts and covers every instance; one reading is reused for
 * {@link HealthSettings#cacheFor()}, so readiness probes, the admin API and metric scrapes
 * together cost at most one set of (indexed) queries per period. A reading that failed is
 * cached too: a database outage must not make every scrape wait for a connection timeout.
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
    private volatile Cached cached;

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
        if (fresh(latest)) {
            return latest.reading();
        }
        synchronized (this) { // concurrent callers wait for one reading instead of each making their own
            latest = cached;
            if (!fresh(latest)) {
                latest = new Cached(read(), System.nanoTime());
                cached = latest;
            }
            return latest.reading();
        }
    }

    private boolean fresh(Cached latest) {
        return latest != null && System.nanoTime() - latest.readAtNanos() < settings.cacheFor().toNanos();
    }

    private Optional<Reading> read() {
        try {
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            OutboxRepository.Backlog backlog = outbox.backlog();
            long oldestAge = backlog.oldestCreatedAt()
                    .map(created -> Math.max(0, Duration.between(created, now).toSeconds()))
                    .orElse(0L);
            int recentDead = outbox.deadSince(now.minus(settings.deadLetterWindow()));
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
