package dev.launchline.waitlist;

import dev.launchline.config.Secret;
import dev.launchline.edge.ClientAddress;
import dev.launchline.token.KeyedHash;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * How a signup's consent was given, stored with it: the wording's version (the waitlist's
 * {@code consent_version} in FUNNELS), the site the form was sent from (the Origin header, else
 * the Referer's origin), and the sender's address as a keyed hash: enough to show later that this
 * request came from that address (recompute the hash), not enough to read the address back.
 */
public record ConsentRecord(Optional<String> version, Optional<String> origin, Optional<String> addressHash) {
    public static final ConsentRecord NONE = new ConsentRecord(Optional.empty(), Optional.empty(), Optional.empty());
    private static final int MAX_ORIGIN = 255;

    /** Computes the address hashes, with the signing key and a label of their own. */
    public static final class Hasher {
        /** The label keeps this hash apart from every other use of the signing key. */
        private final KeyedHash addresses;

        public Hasher(Secret signingKey) {
            this.addresses = new KeyedHash(signingKey.revealBytes(), "consent-address:");
        }

        Optional<String> addressHash(ClientAddress client) {
            if (ClientAddress.UNKNOWN.equals(client)) {
                return Optional.empty();
            }
            return Optional.of(addresses.hex(client.ip()));
        }
    }

    /**
     * The origin (scheme://host[:port], lowercase) a form was sent from: the Origin header, which
     * browsers set and scripts cannot; without it (an old browser, a server), the Referer's.
     * Anything else is not an origin and is not stored.
     */
    public static Optional<String> originOf(String originHeader, String refererHeader) {
        return parse(originHeader).or(() -> parse(refererHeader));
    }

    private static Optional<String> parse(String header) {
        if (header == null || header.isBlank() || header.length() > 2048) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(header.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                return Optional.empty();
            }
            String origin = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
            return origin.length() <= MAX_ORIGIN ? Optional.of(origin) : Optional.empty();
        } catch (Exception notAUri) {
            return Optional.empty();
        }
    }
}
