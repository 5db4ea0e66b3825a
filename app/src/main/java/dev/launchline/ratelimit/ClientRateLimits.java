package dev.launchline.ratelimit;

import dev.launchline.edge.ClientAddresses;
import dev.launchline.http.Guard;
import dev.launchline.metrics.RateLimitMetrics;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * Limits per client IP (IPv6: per /64), one bucket per kind of route, each a {@link Guard} the
 * route is registered with: a refused request has not been read, parsed or stored. Allowed
 * answers carry the RateLimit headers too. Health endpoints are never given one of these.
 */
public final class ClientRateLimits {
    private final RateLimiter limiter;
    private final RateLimitSettings settings;
    private final RateLimitMetrics metrics;

    public ClientRateLimits(RateLimiter limiter, RateLimitSettings settings, RateLimitMetrics metrics) {
        this.limiter = limiter;
        this.settings = settings;
        this.metrics = metrics;
    }

    public Guard signups() {
        return perClient(settings.signupsPerClient(), "Too many sign-ups from your network in a short time.");
    }

    public Guard formSubmissions() {
        return perClient(settings.formsPerClient(), "Too many messages from your network in a short time.");
    }

    /** Confirm, unsubscribe and erase: the buttons behind email links (their pages are not limited). */
    public Guard emailLinks() {
        return perClient(settings.emailLinksPerClient(), "Too many requests from your network in a short time.");
    }

    public Guard statusLookups() {
        return perClient(settings.statusPerClient(), "Too many status lookups from your network in a short time.");
    }

    private Guard perClient(Optional<Limit> limit, String refusal) {
        return Guard.of(Guard.Stage.CLIENT_LIMIT, ctx -> limit.ifPresent(given -> check(ctx, given, refusal)));
    }

    private void check(Context ctx, Limit limit, String refusal) {
        Decision decision = limiter.tryConsume(limit, ClientAddresses.of(ctx).limitKey());
        if (!decision.allowed()) {
            metrics.rejected(limit.name());
            throw new RateLimitedException(decision, refusal);
        }
        RateLimitHeaders.of(decision).forEach(ctx::header);
    }
}
