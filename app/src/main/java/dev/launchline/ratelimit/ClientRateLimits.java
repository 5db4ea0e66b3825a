package dev.launchline.ratelimit;

import dev.launchline.edge.ClientAddresses;
import dev.launchline.metrics.RateLimitMetrics;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.Optional;

/**
 * Limits per client IP (IPv6: per /64), one bucket per kind of route, checked in a
 * before-handler: a refused request has not been read, parsed or stored. Allowed answers carry
 * the RateLimit headers too. Health endpoints are never given one of these.
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

    public Handler signups() {
        return perClient(settings.signupsPerClient(), HandlerType.POST, "Too many sign-ups from your network in a short time.");
    }

    public Handler formSubmissions() {
        return perClient(settings.formsPerClient(), HandlerType.POST, "Too many messages from your network in a short time.");
    }

    /** Confirm, unsubscribe and erase: the buttons behind email links. */
    public Handler emailLinks() {
        return perClient(settings.emailLinksPerClient(), HandlerType.POST, "Too many requests from your network in a short time.");
    }

    public Handler statusLookups() {
        return perClient(settings.statusPerClient(), HandlerType.GET, "Too many status lookups from your network in a short time.");
    }

    private Handler perClient(Optional<Limit> limit, HandlerType method, String refusal) {
        return ctx -> {
            if (limit.isEmpty() || ctx.method() != method) {
                return;
            }
            check(ctx, limit.get(), refusal);
        };
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
