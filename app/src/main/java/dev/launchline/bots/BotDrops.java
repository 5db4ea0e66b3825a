package dev.launchline.bots;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often each bot defence fired since start, by reason: what the metrics endpoint (issue 4)
 * reads. Most reasons are silent drops (the bot was told "thanks"); the rest say what else
 * happened, so an operator can tell "Turnstile is down and we let people in" from an attack.
 */
public final class BotDrops {

    public enum Reason {
        /** The hidden honeypot field was filled. Silent drop. */
        HONEYPOT,
        /** Sent back sooner than BOT_MIN_FILL_SECONDS after the form token was issued. Silent drop. */
        TOO_FAST,
        /** The form token is older than BOT_FORM_TOKEN_MAX_AGE_MINUTES. Silent drop. */
        EXPIRED_TOKEN,
        /** The form token was not signed by us (forged, truncated, replayed from elsewhere). Silent drop. */
        INVALID_TOKEN,
        /** No form token while BOT_FORM_TOKEN_REQUIRED=true. Silent drop. */
        MISSING_TOKEN,
        /** The address is at a disposable-mail domain. Refused with 422. */
        DISPOSABLE_DOMAIN,
        /** Turnstile said no (or no Turnstile token was sent). Refused with 403. */
        CHALLENGE_FAILED,
        /** siteverify could not be reached and TURNSTILE_FAIL_OPEN=false. Refused with 503. */
        CHALLENGE_UNAVAILABLE_REFUSED,
        /** siteverify could not be reached and TURNSTILE_FAIL_OPEN=true: accepted unchecked. Not a drop. */
        CHALLENGE_UNAVAILABLE_ACCEPTED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

    public BotDrops() {
        for (Reason reason : Reason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    public void count(Reason reason) {
        counts.get(reason).increment();
    }

    public long total(Reason reason) {
        return counts.get(reason).sum();
    }

    /** Every reason with its count, zeros included, keyed by {@link Reason#code()}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((reason, count) -> snapshot.put(reason.code(), count.sum()));
        return snapshot;
    }
}
