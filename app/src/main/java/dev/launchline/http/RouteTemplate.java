package dev.launchline.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;

/**
 * The route a request matched, as its template ("/api/v1/waitlists/{slug}/signups"): what logs and
 * metrics name a request by, never the raw path or query, which may hold tokens. Asked of the
 * matched endpoint, not of {@code ctx.endpoint()}: when a route's guard refuses a request, the
 * endpoint running is the before-matched handler ("*"), not the route.
 */
public final class RouteTemplate {
    public static final String UNMATCHED = "(unmatched)";

    private RouteTemplate() {
    }

    public static String of(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? UNMATCHED : matched.path;
    }
}
