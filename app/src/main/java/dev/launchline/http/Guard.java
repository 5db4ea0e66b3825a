package dev.launchline.http;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;

import java.util.Set;

/**
 * A check that runs before a route's handler, attached to the route where it is registered
 * ({@link RouteTable}) instead of to a list of paths kept elsewhere. Guards are Javalin route
 * roles: one before-matched handler runs those of the matched route, in {@link Stage} order, so a
 * route that is not matched (404, 405) costs no rate-limit token and no token lookup.
 */
public interface Guard extends RouteRole {

    /** Cheapest and most general first: a foreign site is refused before it spends a client's budget. */
    enum Stage { ORIGIN, CLIENT_LIMIT, AUTHENTICATION }

    Stage stage();

    /** Returns to let the request through; throws (an {@link ApiException}, usually) to refuse it. */
    void check(Context ctx) throws Exception;

    /** A guard that also answers the CORS preflight (OPTIONS) of the routes it guards. */
    interface Preflighted extends Guard {
        void preflight(Context ctx) throws Exception;
    }

    static Guard of(Stage stage, CheckFunction check) {
        return new Simple(stage, check);
    }

    /** A guard that is just a stage and a check. */
    record Simple(Stage stage, CheckFunction function) implements Guard {
        @Override
        public void check(Context ctx) throws Exception {
            function.check(ctx);
        }
    }

    @FunctionalInterface
    interface CheckFunction {
        void check(Context ctx) throws Exception;
    }

    /**
     * The before-matched handler: every guard of the matched route, in stage order (in the order
     * they were attached within a stage). Plain loops over the few roles a route has: a stream
     * sorting them was 1.6 % of the request threads' CPU at 1,000 signups/s (JFR).
     */
    static void checkMatchedRoute(Context ctx) throws Exception {
        Set<RouteRole> roles = ctx.routeRoles();
        for (Stage stage : Stage.values()) {
            for (RouteRole role : roles) {
                if (role instanceof Guard guard && guard.stage() == stage) {
                    guard.check(ctx);
                }
            }
        }
    }
}
