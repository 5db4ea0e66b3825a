package dev.launchline.edge;

import dev.launchline.funnel.Funnels;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;
import dev.launchline.http.Guard;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * CORS for the public API, and the check that stops other sites from posting our forms.
 * Browsers send Origin on every cross-site POST (Referer when a privacy setting drops
 * Origin), so a foreign origin there means some other page is driving the visitor's browser:
 * that is how an attacker would borrow thousands of real visitors' IPs to list-bomb strangers.
 * Requests with neither header (servers, curl) are not browser posts and are let through;
 * rate limits and bot checks handle those.
 */
public final class CrossOrigin {
    private static final String ALLOWED_METHODS = "GET, POST";
    private static final String ALLOWED_HEADERS = "Content-Type, X-Request-Id";
    private static final String EXPOSED_HEADERS =
            "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy";

    private CrossOrigin() {
    }

    /**
     * The guard of a route that browsers may call from the given origins: refuses foreign browser
     * posts, adds CORS headers for allowed origins, and answers the route's preflight.
     */
    public static Guard.Preflighted guard(Function<Context, Set<String>> allowedOrigins) {
        return new Guard.Preflighted() {
            @Override
            public Stage stage() {
                return Stage.ORIGIN;
            }

            @Override
            public void check(Context ctx) {
                refuseForeign(ctx, allowedOrigins);
            }

            @Override
            public void preflight(Context ctx) {
                answerPreflight(ctx, allowedOrigins);
            }
        };
    }

    private static void refuseForeign(Context ctx, Function<Context, Set<String>> allowedOrigins) {
            boolean unsafe = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD");
            String origin = ctx.header("Origin");
            if (origin != null) {
                String normalized = origin.toLowerCase(Locale.ROOT);
                if (allowed(ctx, normalized, allowedOrigins.apply(ctx))) {
                    corsHeaders(ctx, normalized);
                } else if (unsafe) {
                    throw foreign();
                }
                return;
            }
            String referer = ctx.header("Referer");
            if (unsafe && referer != null) {
                Optional<String> refererOrigin = Funnels.origin(referer);
                if (refererOrigin.isEmpty() || !allowed(ctx, refererOrigin.get(), allowedOrigins.apply(ctx))) {
                    throw foreign();
                }
            }
    }

    /** Answers a CORS preflight (OPTIONS) for one route. */
    private static void answerPreflight(Context ctx, Function<Context, Set<String>> allowedOrigins) {
            String origin = ctx.header("Origin");
            if (origin == null || !allowed(ctx, origin.toLowerCase(Locale.ROOT), allowedOrigins.apply(ctx))) {
                throw foreign();
            }
            corsHeaders(ctx, origin.toLowerCase(Locale.ROOT));
            ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
    }

    /** Listed, or our own host: a page we served posting back to us is same-origin whatever the base URL says. */
    private static boolean allowed(Context ctx, String origin, Set<String> allowedOrigins) {
        if (allowedOrigins.contains(origin)) {
            return true;
        }
        String host = ctx.header("Host");
        return host != null && (origin.equals("https://" + host.toLowerCase(Locale.ROOT))
                || origin.equals("http://" + host.toLowerCase(Locale.ROOT)));
    }

    private static void corsHeaders(Context ctx, String origin) {
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        ctx.header("Vary", "Origin");
    }

    private static ApiException foreign() {
        return new ApiException(403, "forbidden_origin",
                "This form can only be sent from the website it belongs to.");
    }
}
