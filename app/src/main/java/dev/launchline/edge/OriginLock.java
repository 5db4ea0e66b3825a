package dev.launchline.edge;

import dev.launchline.config.Secret;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * When the edge adds a shared secret header to every request it forwards, refuses requests
 * without it: nobody skips the edge's WAF and rate limits by finding the origin's address.
 * Health endpoints stay open for load balancers and uptime monitors, which talk to the origin, and
 * so does /metrics for Prometheus, which scrapes the origin too and has its own token (METRICS_TOKEN;
 * the edge blocks /metrics from the internet).
 */
public final class OriginLock {
    private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz", "/version", "/metrics");

    private final String header;
    private final List<byte[]> secrets;

    /**
     * @param secret   the current secret; none: the lock is off
     * @param previous also accepted during a rotation: the origin takes both while the edge
     *                 switches from the previous secret to the current one
     */
    public OriginLock(String header, Optional<Secret> secret, Optional<Secret> previous) {
        this.header = header;
        this.secrets = Stream.of(secret, secret.isPresent() ? previous : Optional.<Secret>empty())
                .flatMap(Optional::stream)
                .map(value -> value.reveal().getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /**
     * Refuses a request that did not come through the edge (health endpoints excepted); returns
     * whether it did, i.e. presented the secret. Only then may the edge's own headers (the
     * visitor's address, {@link ClientAddresses#EDGE_CLIENT_HEADER}) be believed.
     */
    public boolean check(Context ctx) {
        if (secrets.isEmpty()) {
            return false;
        }
        boolean throughTheEdge = presentsTheSecret(ctx.header(header));
        if (!throughTheEdge && !OPEN_PATHS.contains(ctx.path())) {
            throw new ApiException(403, "origin_locked", "Requests must come through the website's edge.");
        }
        return throughTheEdge;
    }

    private boolean presentsTheSecret(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean valid = false;
        for (byte[] secret : secrets) {
            // constant time, every secret compared: the answer must not tell a prober how much was right
            valid |= MessageDigest.isEqual(secret, bytes);
        }
        return valid;
    }
}
