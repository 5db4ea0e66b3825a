package dev.launchline.bots;

import dev.launchline.bots.BotDrops.Reason;
import dev.launchline.token.TokenSigner;
import dev.launchline.token.TokenSigner.Purpose;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The signed timestamp a form carries: issued when the form is rendered, checked when it comes
 * back. A person needs seconds to type an address; a bot posts at once. The token is a
 * {@link TokenSigner} token (same key, own purpose), so it cannot be forged or backdated, and
 * no server-side state is kept.
 */
public final class FormTokens {
    private final TokenSigner signer;
    private final Duration minFillTime;
    private final Duration maxAge;
    private final Clock clock;

    public FormTokens(TokenSigner signer, Duration minFillTime, Duration maxAge, Clock clock) {
        this.signer = signer;
        this.minFillTime = minFillTime;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public String issue() {
        return issue(clock.instant());
    }

    /** A token as if the form had been rendered at {@code issuedAt}; tests use it to skip the wait. */
    public String issue(Instant issuedAt) {
        return signer.issue(Purpose.FORM, issuedAt.toEpochMilli(), Optional.of(issuedAt.plus(maxAge)));
    }

    public Duration maxAge() {
        return maxAge;
    }

    /** Why this token makes the submission a bot's, or empty when it is fine. */
    Optional<Reason> problemWith(String token) {
        long issuedMillis;
        try {
            issuedMillis = signer.verify(Purpose.FORM, token);
        } catch (TokenSigner.InvalidTokenException invalid) {
            return Optional.of(invalid.expired() ? Reason.EXPIRED_TOKEN : Reason.INVALID_TOKEN);
        }
        Duration filledIn = Duration.between(Instant.ofEpochMilli(issuedMillis), clock.instant());
        if (filledIn.compareTo(minFillTime) < 0) {
            // also catches a token "issued" in the future: no person fills a form in negative time
            return Optional.of(Reason.TOO_FAST);
        }
        return Optional.empty();
    }
}
