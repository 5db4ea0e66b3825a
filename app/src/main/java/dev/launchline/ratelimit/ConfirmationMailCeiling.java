package dev.launchline.ratelimit;

import dev.launchline.mail.MailThrottle;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ceiling on confirmation emails sent per period, all instances together (through the
 * shared limiter). During a fake-signup flood, confirmations to addresses nobody asked for
 * are what ruins the sender's reputation; above the ceiling they wait in the outbox and go
 * out later. Signups are still accepted; other mail is not held back.
 */
public final class ConfirmationMailCeiling implements MailThrottle {
    private static final String GLOBAL = "all";

    private final RateLimiter limiter;
    private final Optional<Limit> ceiling;
    private final AtomicLong heldBack = new AtomicLong();
    private final String confirmationKind;

    /** @param confirmationKind the outbox kind of the confirmation emails (the waitlist names it) */
    public ConfirmationMailCeiling(RateLimiter limiter, RateLimitSettings settings, String confirmationKind) {
        this.limiter = limiter;
        this.confirmationKind = confirmationKind;
        this.ceiling = settings.confirmationMails();
    }

    @Override
    public Duration holdBack(String kind) {
        if (ceiling.isEmpty() || !confirmationKind.equals(kind)) {
            return Duration.ZERO;
        }
        Decision decision = limiter.tryConsume(ceiling.get(), GLOBAL);
        if (decision.allowed()) {
            return Duration.ZERO;
        }
        heldBack.incrementAndGet(); // the worker logs once per batch, not once per email
        return decision.retryAfter().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : decision.retryAfter();
    }

    /** Confirmation emails kept queued because the ceiling was reached (one count per hold-back). */
    public long heldBack() {
        return heldBack.get();
    }
}
