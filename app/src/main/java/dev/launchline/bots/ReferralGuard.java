package dev.launchline.bots;

import dev.launchline.config.Secret;
import dev.launchline.edge.ClientAddress;
import dev.launchline.token.KeyedHash;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;

/**
 * Referral fraud: a referral is recorded but earns the referrer nothing when the referee is
 * the referrer under another spelling of the same mailbox, or signed up from the referrer's
 * network soon after the referrer did (one person filling the form twice).
 *
 * <p>The network is the IPv4 address or the IPv6 /64 ({@link ClientAddress#limitKey()}), since
 * one IPv6 subscriber rotates through a whole /64. It is stored only as an HMAC keyed by the
 * token signing key: comparable for equality, useless for finding out who it was. (A key
 * rotation makes older hashes incomparable; for a window of hours that is acceptable.) No
 * User-Agent "device" hash: on its own it matches every visitor on the same phone model, and
 * together with the network it adds nothing the network does not already say.
 */
public final class ReferralGuard {

    /** The referrer as stored: what the checks compare against. */
    public record Referrer(long id, String emailKey, String networkHash, OffsetDateTime signedUpAt) {
    }

    public static final String SELF_REFERRAL = "self_referral";
    public static final String SAME_NETWORK = "same_network";

    /** The network as a keyed hash, labelled apart from every other use of the signing key. */
    private final KeyedHash networks;
    private final Duration sameNetworkWindow;

    public ReferralGuard(Secret signingKey, Duration sameNetworkWindow) {
        this.networks = new KeyedHash(signingKey.revealBytes(), "client-network:");
        this.sameNetworkWindow = sameNetworkWindow;
    }

    /** 64 hex characters, or empty when the client address is unknown. */
    public Optional<String> networkHash(ClientAddress client) {
        if (ClientAddress.UNKNOWN.equals(client)) {
            return Optional.empty();
        }
        return Optional.of(networks.hex(client.limitKey()));
    }

    /** Why this referral must not be credited, or empty when it may be. */
    public Optional<String> whyNotCredited(Referrer referrer, String refereeEmailKey,
                                           Optional<String> refereeNetworkHash, OffsetDateTime now) {
        if (mailbox(referrer.emailKey()).equals(mailbox(refereeEmailKey))) {
            return Optional.of(SELF_REFERRAL);
        }
        boolean sameNetwork = refereeNetworkHash.isPresent() && refereeNetworkHash.get().equals(referrer.networkHash());
        if (sameNetwork && !sameNetworkWindow.isZero() && !now.isAfter(referrer.signedUpAt().plus(sameNetworkWindow))) {
            return Optional.of(SAME_NETWORK);
        }
        return Optional.empty();
    }

    /**
     * The mailbox behind an address, for this comparison only: "+tags" dropped (most providers
     * deliver me+2@ to me@), and Gmail's dots, which Gmail ignores. Stricter than the signup's
     * own identity key on purpose: mistaking two people for one here costs one referral credit.
     */
    static String mailbox(String emailKey) {
        String lower = emailKey.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        String local = lower.substring(0, at);
        String domain = lower.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
            return local.replace(".", "") + "@gmail.com";
        }
        return local + "@" + domain;
    }
}
