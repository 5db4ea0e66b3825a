package dev.launchline.edge;

import dev.launchline.config.Secret;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * When the edge adds a shared secret header to every request it forwards, refuses requests
 * without it: nobody skips the edge's WAF and rate limits by finding the origin's address.
 * Health endpoints stay open for load balancers and uptime monitors, which talk to the origin.
 */
public final class OriginLock {
    private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz", "/version");

    private final String header;
    private final Optional<byte[]> secret;

    public OriginLock(String header, Optional<Secret> secret) {
        this.header = header;
        this.secret = secret.map(value -> value.reveal().getBytes(StandardCharsets.UTF_8));
    }

    public void check(Context ctx) {
        if (secret.isEmpty() || OPEN_PATHS.contains(ctx.path())) {
            return;
        }
        String presented = ctx.header(header);
        // constant time: the comparison must not tell a prober how many leading bytes were right
        if (presented == null || !MessageDigest.isEqual(secret.get(), presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "origin_locked", "Requests must come through the website's edge.");
        }
    }
}
