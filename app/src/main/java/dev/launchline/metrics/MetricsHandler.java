package dev.launchline.metrics;

import dev.launchline.http.Routes;
import dev.launchline.config.Secret;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * GET /metrics for Prometheus. With METRICS_TOKEN set, the scraper must send it as a bearer
 * token; without it the endpoint is open in dev/test and absent (404) elsewhere, so a
 * production deployment never exposes its internals by forgetting a variable.
 */
public final class MetricsHandler {
    private final Metrics metrics;
    private final Optional<byte[]> token;
    private final boolean openWithoutToken;

    public MetricsHandler(Metrics metrics, Optional<Secret> token, boolean openWithoutToken) {
        this.metrics = metrics;
        this.token = token.map(value -> value.reveal().getBytes(StandardCharsets.UTF_8));
        this.openWithoutToken = openWithoutToken;
    }

    public void scrape(Context ctx) {
        if (token.isEmpty() && !openWithoutToken) {
            throw ApiException.notFound("This page");
        }
        if (token.isPresent()) {
            String header = ctx.header("Authorization");
            String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : "";
            if (!MessageDigest.isEqual(token.get(), presented.getBytes(StandardCharsets.UTF_8))) {
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
