package dev.launchline.metrics;

import dev.launchline.http.Routes;
import dev.launchline.config.Secret;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * GET /metrics for Prometheus. With METRICS_TOKEN set, the scraper must send it as a bearer
 * token; without it the endpoint is open in dev/test and absent (404) elsewhere, so a
 * production deployment never exposes its internals by forgetting a variable.
 */
public final class MetricsHandler {
    private final Metrics metrics;
    private final List<byte[]> tokens;
    private final boolean openWithoutToken;

    /** @param tokens METRICS_TOKEN, and during a rotation METRICS_TOKEN_PREVIOUS: either is accepted */
    public MetricsHandler(Metrics metrics, List<Secret> tokens, boolean openWithoutToken) {
        this.metrics = metrics;
        this.tokens = tokens.stream().map(value -> value.reveal().getBytes(StandardCharsets.UTF_8)).toList();
        this.openWithoutToken = openWithoutToken;
    }

    public void scrape(Context ctx) {
        if (tokens.isEmpty() && !openWithoutToken) {
            throw ApiException.notFound("This page");
        }
        if (!tokens.isEmpty()) {
            String header = ctx.header("Authorization");
            byte[] presented = (header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : "")
                    .getBytes(StandardCharsets.UTF_8);
            boolean valid = false;
            for (byte[] token : tokens) {
                valid |= MessageDigest.isEqual(token, presented); // every token compared: constant time
            }
            if (!valid) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"launchline-metrics\"");
                throw new ApiException(401, "unauthorized", "Send the metrics token as a bearer token.");
            }
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    /** GET /metrics; its own bearer token (METRICS_TOKEN), since scrapers are not admins. */
    public Routes routes() {
        return routes -> routes.get("/metrics", this::scrape);
    }
}
