package dev.launchline.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP server: Jetty's limits, the headers and error shape every answer shares, and the
 * routes, which each feature registers itself ({@link Routes}). Every request passes, in order:
 * load shedding, request id and security headers, the edge's checks (origin lock, client
 * address), the matched route's guards ({@link Guard}), the handler.
 */
public final class HttpServer {
    private static final Logger accessLog = LoggerFactory.getLogger("launchline.access");

    private HttpServer() {
    }

    /**
     * @param shedding   the load shedding in front of everything (built by the caller, which also
     *                   lets the mail senders watch it)
     * @param edge       run before every request, after the request id is assigned
     * @param https      whether the service is reached over https (HSTS is sent then)
     * @param features   every feature's routes
     */
    public static Javalin create(HttpSettings limits, OverloadShedding shedding, ErrorMapper errors,
                                 RequestObserver observer, Handler edge, boolean https, List<Routes> features) {
        return Javalin.create(config -> {
            QueuedThreadPool pool = new QueuedThreadPool(limits.threads(), Math.min(8, limits.threads()));
            pool.setName("http");
            config.jetty.threadPool = pool;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = RequestBody.MAX_BYTES;
            config.http.prefer405over404 = true;
            // Javalin copies every response body to Jetty through a new buffer of this size, 32 KB by
            // default: a quarter of everything the service allocated at 1,000 signups/s, for answers of
            // under 200 bytes (async-profiler, event=alloc). Larger bodies (CSV exports) just take more
            // turns of the copy loop; Jetty's own output buffer is pooled and unaffected.
            config.http.responseBufferSize = 4096;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // Jetty's per-connection cache of header fields: char arrays of about 100 KB for every
            // connection, to save a few small allocations per request (class histogram under the spike)
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000); // finish in-flight requests
                server.setErrorHandler(new JettyErrors()); // malformed URIs, 414, 431: our error shape too
                // a wrapper set here ends up around Javalin's own handler: the body is read first
                // (without a thread), then shedding gives out turns
                // GracefulHandler: on stop, requests in flight finish (up to the stop timeout) before
                // the connections close; without it Jetty 12 cuts them
                server.setHandler(new GracefulHandler(new BodyDeadline(limits.bodyDeadline(), shedding)));
                // However little it sends, each open connection held about 100 KB of heap, nearly all
                // of it its parser's header cache (turned off above): a launch spike of 2,000 new
                // connections/s ran a 256 MB heap out with 7,000 of them open. Past the limit Jetty
                // stops accepting, and while it is reached, idle keep-alive connections are closed
                // after 5 s instead of 30.
                NetworkConnectionLimit connections = new NetworkConnectionLimit(limits.maxConnections(), server);
                connections.setEndPointIdleTimeout(5_000);
                server.addBean(connections);
            });
            config.requestLogger.http((ctx, millis) -> logRequest(ctx, millis, observer));
            errors.install(config);

            config.routes.before(ctx -> {
                RequestIds.assign(ctx);
                securityHeaders(ctx, https);
                edge.handle(ctx);
            });
            config.routes.beforeMatched(Guard::checkMatchedRoute);
            RouteTable routes = new RouteTable(config);
            features.forEach(feature -> feature.register(routes));
            routes.registerGates();
        });
    }

    private static void securityHeaders(Context ctx, boolean https) {
        if (https) {
            // two years, as hstspreload.org asks; subdomains are the founder's call, made at the edge (Terraform)
            ctx.header("Strict-Transport-Security", "max-age=63072000");
        }
        ctx.header("X-Content-Type-Options", "nosniff");
        // token links must not leak to other sites through the Referer header
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("Cache-Control", "no-store");
    }

    private static void logRequest(Context ctx, Float millis, RequestObserver observer) {
        String route = RouteTemplate.of(ctx);
        observer.completed(ctx.method().name(), route, ctx.status().getCode(),
                Duration.ofNanos((long) (millis * 1_000_000)));
        accessLog.info("{} {} -> {} in {} ms", ctx.method(), route, ctx.status().getCode(), Math.round(millis));
        MDC.remove("request_id");
    }
}
