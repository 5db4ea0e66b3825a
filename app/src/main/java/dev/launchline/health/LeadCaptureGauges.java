package dev.launchline.health;

import dev.launchline.health.LeadCaptureHealth.Reading;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The outbox and the funnel as the database sees them (all instances together), from the
 * cached lead-capture reading: a scrape costs no query of its own. NaN while the database
 * cannot be read; the timestamps are NaN until the first signup, lead or sent email.
 */
public final class LeadCaptureGauges {

    private LeadCaptureGauges() {
    }

    public static void bind(MeterRegistry registry, LeadCaptureHealth health) {
        gauge(registry, health, "launchline.outbox.backlog", "emails", "emails queued and not yet delivered",
                Reading::undelivered);
        gauge(registry, health, "launchline.outbox.oldest.pending.age", "seconds",
                "age of the oldest undelivered email (0 when the outbox is empty)", Reading::oldestPendingAgeSeconds);
        gauge(registry, health, "launchline.outbox.dead.letters", "emails",
                "emails given up on and kept in the outbox (status dead)", Reading::deadLetters);
        gauge(registry, health, "launchline.mail.degraded", null,
                "1 when mail health is degraded (a HEALTH_* threshold crossed), else 0",
                reading -> reading.problems().isEmpty() ? 0 : 1);
        gauge(registry, health, "launchline.last.signup.timestamp", "seconds",
                "when the newest signup arrived (Unix time)", reading -> epochSeconds(reading.lastSignupAt()));
        gauge(registry, health, "launchline.last.lead.timestamp", "seconds",
                "when the newest contact-form lead arrived (Unix time)", reading -> epochSeconds(reading.lastLeadAt()));
        gauge(registry, health, "launchline.last.email.sent.timestamp", "seconds",
                "when an email was last accepted by the SMTP server (Unix time)",
                reading -> epochSeconds(reading.lastSentAt()));
    }

    private static void gauge(MeterRegistry registry, LeadCaptureHealth health, String name, String unit,
                              String description, ToDoubleFunction<Reading> value) {
        Gauge.builder(name, health, source -> source.current().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description)
                .baseUnit(unit)
                .strongReference(true)
                .register(registry);
    }

    private static double epochSeconds(Optional<OffsetDateTime> moment) {
        return moment.map(at -> at.toInstant().toEpochMilli() / 1000.0).orElse(Double.NaN);
    }
}
