package dev.launchline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * What the outbox worker did with each email, by template kind (a fixed set: confirm_signup,
 * signup_confirmed, lead_notification, lead_acknowledgement). Failed = retried + dead-lettered.
 */
public final class MailMetrics {
    public static final String SENT = "launchline.emails.sent";
    public static final String RETRIED = "launchline.emails.retried";
    public static final String DEAD_LETTERED = "launchline.emails.dead.lettered";
    public static final String SMTP_UNREACHABLE = "launchline.smtp.unreachable";
    public static final String SUPPRESSED = "launchline.emails.suppressed";
    public static final String GAVE_WAY = "launchline.mail.gave.way";

    private final MeterRegistry registry;
    private final Counter smtpUnreachable;
    private final Timer gaveWay;

    public MailMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.smtpUnreachable = Counter.builder(SMTP_UNREACHABLE)
                .description("batches handed back to the queue because the SMTP server could not be reached")
                .register(registry);
        this.gaveWay = Timer.builder(GAVE_WAY)
                .description("pauses of the mail senders while requests queued for a slot or saturated the cores (OUTBOX_SHARE_WHEN_BUSY)")
                .register(registry);
    }

    public void sent(String kind) {
        counter(SENT, "emails accepted by the SMTP server, by template kind", kind).increment();
    }

    public void retried(String kind) {
        counter(RETRIED, "emails temporarily rejected (4xx) and queued for another attempt, by template kind", kind)
                .increment();
    }

    public void deadLettered(String kind) {
        counter(DEAD_LETTERED, "emails given up on (permanent 5xx rejection or too many attempts), by template kind",
                kind).increment();
    }

    public void suppressed(String kind) {
        counter(SUPPRESSED, "emails not sent because their recipient is on the suppression list, by template kind", kind)
                .increment();
    }

    public void gaveWay(Duration pause) {
        gaveWay.record(pause);
    }

    public void smtpUnreachable() {
        smtpUnreachable.increment();
    }

    private Counter counter(String name, String description, String kind) {
        return Counter.builder(name)
                .description(description)
                .tag("kind", kind)
                .register(registry);
    }
}
