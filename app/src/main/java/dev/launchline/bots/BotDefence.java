package dev.launchline.bots;

import dev.launchline.bots.BotDrops.Reason;
import dev.launchline.edge.ClientAddress;
import dev.launchline.email.EmailAddress;
import dev.launchline.http.ApiException;
import dev.launchline.http.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a signup or contact submission is let in. Two kinds of "no":
 * <ul>
 *   <li>silent drops (honeypot, too fast, bad form token): the caller answers exactly as for a
 *   real submission and stores nothing, so the bot learns nothing to adapt to;</li>
 *   <li>refusals a real person must understand (disposable domain: 422; Turnstile: 403 or 503).</li>
 * </ul>
 * Cheap checks run first; Turnstile's network call only for what passed them.
 */
public final class BotDefence {
    private static final Logger log = LoggerFactory.getLogger(BotDefence.class);

    private final BotDefenceSettings settings;
    private final FormTokens formTokens;
    private final Optional<TurnstileVerifier> turnstile;
    private final DisposableDomains disposableDomains;
    private final BotDrops drops;

    public BotDefence(BotDefenceSettings settings, FormTokens formTokens, Optional<TurnstileVerifier> turnstile,
                      DisposableDomains disposableDomains, BotDrops drops) {
        this.settings = settings;
        this.formTokens = formTokens;
        this.turnstile = turnstile;
        this.disposableDomains = disposableDomains;
        this.drops = drops;
    }

    /** Call before the endpoint reads (and rejects unknown) fields. */
    public BotSignals takeSignals(Fields fields) {
        return new BotSignals(fields.take(settings.honeypotField()),
                fields.take(BotDefenceSettings.FORM_TOKEN_FIELD),
                fields.take(BotDefenceSettings.TURNSTILE_FIELD));
    }

    /**
     * True: store it. False: drop it silently (already counted and logged), and answer as if
     * stored. Throws {@link ApiException} for a refusal the person should see.
     */
    public boolean admits(BotSignals signals, EmailAddress email, ClientAddress client) {
        Optional<Reason> drop = silentDropReason(signals);
        if (drop.isPresent()) {
            drops.count(drop.get());
            // the request id (in the log context) is all that is logged: no address, no IP, no token
            log.info("bot defence dropped a submission silently: {}", drop.get().code());
            return false;
        }
        refuseDisposable(email);
        turnstile.ifPresent(verifier -> challenge(verifier, signals.challengeResponse(), client));
        return true;
    }

    private Optional<Reason> silentDropReason(BotSignals signals) {
        if (signals.honeypot().isPresent()) {
            return Optional.of(Reason.HONEYPOT);
        }
        if (signals.formToken().isPresent()) {
            return formTokens.problemWith(signals.formToken().get());
        }
        return settings.formTokenRequired() ? Optional.of(Reason.MISSING_TOKEN) : Optional.empty();
    }

    /**
     * A 422 rather than a silent drop: the people who type a throwaway address are mostly real
     * (wary of spam, or testing the form). Told why, they can use a real address; dropped
     * silently, they would wait for a confirmation mail that never comes. A bot learns only
     * what the public list already says.
     */
    private void refuseDisposable(EmailAddress email) {
        if (!settings.blockDisposableDomains()) {
            return;
        }
        String domain = email.address().substring(email.address().lastIndexOf('@') + 1);
        if (disposableDomains.contains(domain)) {
            drops.count(Reason.DISPOSABLE_DOMAIN);
            log.info("bot defence refused a disposable-mail domain");
            throw ApiException.validation(Map.of("email",
                    "addresses at disposable-mail domains are not accepted; please use a permanent address"));
        }
    }

    private void challenge(TurnstileVerifier verifier, Optional<String> response, ClientAddress client) {
        if (response.isEmpty() || response.get().length() > TurnstileVerifier.MAX_TOKEN_LENGTH) {
            drops.count(Reason.CHALLENGE_FAILED);
            throw challengeFailed();
        }
        Optional<String> remoteIp = ClientAddress.UNKNOWN.equals(client) ? Optional.empty() : Optional.of(client.ip());
        TurnstileVerifier.Result result = verifier.verify(response.get(), remoteIp);
        switch (result.verdict()) {
            case PASSED -> {
            }
            case FAILED -> {
                drops.count(Reason.CHALLENGE_FAILED);
                throw challengeFailed();
            }
            case UNAVAILABLE -> {
                if (settings.turnstileFailOpen()) {
                    drops.count(Reason.CHALLENGE_UNAVAILABLE_ACCEPTED);
                    log.warn("turnstile unavailable ({}): accepted unchecked (TURNSTILE_FAIL_OPEN=true)",
                            result.errorCodes());
                } else {
                    drops.count(Reason.CHALLENGE_UNAVAILABLE_REFUSED);
                    throw new ApiException(503, "service_unavailable",
                            "We cannot check the anti-bot challenge right now. Please try again in a minute.");
                }
            }
        }
    }

    private static ApiException challengeFailed() {
        // loud on purpose: a person whose widget broke (blocked script, expired token) must see why
        return new ApiException(403, "challenge_failed",
                "The anti-bot check did not pass. Reload the page, complete the check, and send the form again.");
    }
}
