package dev.launchline.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.launchline.edge.ClientAddress;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.http.ApiException;
import dev.launchline.http.RequestIds;
import dev.launchline.metrics.RateLimitMetrics;
import dev.launchline.ratelimit.Decision;
import dev.launchline.ratelimit.Limit;
import dev.launchline.ratelimit.RateLimiter;
import dev.launchline.http.Guard;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The gate in front of every admin route: {@code Authorization: Bearer <token>}, GET/HEAD need
 * the read scope, everything else write. Failed attempts are counted per client (IP, IPv6 /64);
 * a client over the limit gets 429 before its token is even looked at, so guessing costs us
 * no database work beyond the limit. A correct token from another client is unaffected.
 */
public final class AdminAuthenticator implements Guard {
    private static final Logger log = LoggerFactory.getLogger(AdminAuthenticator.class);
    private static final String TOKEN_ATTRIBUTE = "launchline.adminToken";
    private static final String CHALLENGE = "Bearer realm=\"launchline-admin\"";

    private final AdminTokens tokens;
    private final RateLimiter limiter;
    private final Limit failures;
    private final Clock clock;
    private final RateLimitMetrics metrics;
    /**
     * Clients whose failure bucket ran dry, until when. The limiter can only take a token, not
     * peek, so this remembers the "no" locally to answer 429 without a lookup. Bounded like the
     * limiter's own map; losing an entry only means one more counted failure.
     */
    private final Cache<String, Instant> blockedUntil = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(1))
            .build();

    public AdminAuthenticator(AdminTokens tokens, RateLimiter limiter, Limit failures, Clock clock,
                              RateLimitMetrics metrics) {
        this.metrics = metrics;
        this.tokens = tokens;
        this.limiter = limiter;
        this.failures = failures;
        this.clock = clock;
    }

    @Override
    public Stage stage() {
        return Stage.AUTHENTICATION;
    }

    /** The guard of every admin route: GET and HEAD need a read token, anything else a write token. */
    @Override
    public void check(Context ctx) {
        ClientAddress client = ClientAddresses.of(ctx);
        Instant now = clock.instant();
        Instant until = blockedUntil.getIfPresent(client.limitKey());
        if (until != null && until.isAfter(now)) {
            metrics.rejected(failures.name());
            throw tooManyFailures(ctx, Duration.between(now, until));
        }
        Optional<String> presented = bearer(ctx.header("Authorization"));
        if (presented.isEmpty()) {
            ctx.header("WWW-Authenticate", CHALLENGE);
            throw new ApiException(401, "unauthorized", "This needs an admin token: Authorization: Bearer <token>.");
        }
        Optional<AdminToken> token = tokens.authenticate(presented.get());
        if (token.isEmpty()) {
            Decision decision = limiter.tryConsume(failures, client.limitKey());
            if (!decision.allowed()) {
                blockedUntil.put(client.limitKey(), now.plus(decision.retryAfter()));
                metrics.rejected(failures.name());
                log.warn("admin authentication failures over the limit; refusing this client for {} s",
                        decision.retryAfter().toSeconds());
                throw tooManyFailures(ctx, decision.retryAfter());
            }
            ctx.header("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
            throw new ApiException(401, "unauthorized", "The admin token is not valid (unknown, revoked or mistyped).");
        }
        AdminScope required = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD
                ? AdminScope.READ : AdminScope.WRITE;
        if (!token.get().scope().allows(required)) {
            ctx.header("WWW-Authenticate", CHALLENGE + ", error=\"insufficient_scope\", scope=\"write\"");
            throw new ApiException(403, "forbidden", "This admin token may only read; this needs a write token.");
        }
        ctx.attribute(TOKEN_ATTRIBUTE, token.get());
    }

    /** Who is acting in this (authenticated) request, for the audit log. */
    public static Actor actor(Context ctx) {
        AdminToken token = ctx.attribute(TOKEN_ATTRIBUTE);
        if (token == null) {
            throw new IllegalStateException("admin route reached without authentication");
        }
        return new Actor(token.name(), ClientAddresses.of(ctx).ip(), RequestIds.current(ctx));
    }

    private static Optional<String> bearer(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static ApiException tooManyFailures(Context ctx, Duration retryAfter) {
        ctx.header("Retry-After", String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        return new ApiException(429, "rate_limited", "Too many failed admin authentications. Try again later.");
    }
}
