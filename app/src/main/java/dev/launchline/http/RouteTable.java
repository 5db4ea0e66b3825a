package dev.launchline.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where features register their routes, each with the guards it needs (CORS, a per-client rate
 * limit, the admin token). A route guarded by a {@link Guard.Preflighted} also gets its OPTIONS
 * preflight answered, once per path.
 */
public final class RouteTable {
    private final JavalinConfig config;
    private final Set<String> preflighted = new HashSet<>();
    private final Map<String, Guard[]> gatedPrefixes = new LinkedHashMap<>();

    RouteTable(JavalinConfig config) {
        this.config = config;
    }

    public RouteTable get(String path, Handler handler, Guard... guards) {
        config.routes.get(path, handler, guards);
        return preflight(path, guards);
    }

    public RouteTable post(String path, Handler handler, Guard... guards) {
        config.routes.post(path, handler, guards);
        return preflight(path, guards);
    }

    public RouteTable delete(String path, Handler handler, Guard... guards) {
        config.routes.delete(path, handler, guards);
        return preflight(path, guards);
    }

    /**
     * Puts every path under the prefix that no route answers behind the guards too, so that an
     * unknown admin path asks for the token instead of telling a stranger which paths exist.
     */
    public RouteTable gateUnknownPaths(String prefix, Guard... guards) {
        gatedPrefixes.put(prefix, guards);
        return this;
    }

    /** After every feature's routes: Javalin answers with the first route that matches. */
    void registerGates() {
        gatedPrefixes.forEach((prefix, guards) -> {
            Handler unknown = ctx -> {
                throw new ApiException(404, "not_found", "There is nothing at this address.");
            };
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                    HandlerType.DELETE)) {
                config.routes.addHttpHandler(method, prefix + "<unknown>", unknown, guards);
            }
        });
    }

    private RouteTable preflight(String path, Guard[] guards) {
        for (Guard guard : guards) {
            if (guard instanceof Guard.Preflighted cors && preflighted.add(path)) {
                config.routes.options(path, cors::preflight);
            }
        }
        return this;
    }
}
