package dev.launchline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.launchline.admin.AdminAuthenticator;
import dev.launchline.admin.AdminHandler;
import dev.launchline.bots.FormTokenHandler;
import dev.launchline.dashboard.DashboardPage;
import dev.launchline.dashboard.StatsHandler;
import dev.launchline.embedded.DevMailHandler;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.edge.CrossOrigin;
import dev.launchline.edge.OriginLock;
import dev.launchline.edge.OriginPolicy;
import dev.launchline.errors.ErrorTracking;
import dev.launchline.health.HealthHandler;
import dev.launchline.metrics.Metrics;
import dev.launchline.metrics.MetricsHandler;
import dev.launchline.http.ErrorMapper;
import dev.launchline.http.OverloadShedding;
import dev.launchline.http.Pages;
import dev.launchline.http.RequestBody;
import dev.launchline.http.RequestIds;
import dev.launchline.lead.LeadHandler;
import dev.launchline.ratelimit.ClientRateLimits;
import dev.launchline.smoke.SmokeSignupHandler;
import dev.launchline.waitlist.EmailLinkHandler;
import dev.launchline.waitlist.SignupHandler;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The HTTP surface: every route, and the one place errors and headers are handled. */
public final class App {
    private static final Logger accessLog = LoggerFactory.getLogger("launchline.access");

    /** What the routes are served by; built in {@link Launchline}. */
    public record Handlers(
            SignupHandler signups,
            EmailLinkHandler emailLinks,
            LeadHandler leads,
            HealthHandler health,
            Optional<DevMailHandler> devMail,
            Pages pages,
            Edge edge,
            ErrorTracking errorTracking,
            ClientRateLimits rateLimits,
            AdminAuthenticator adminAuthenticator,
            AdminHandler admin,
            FormTokenHandler formTokens,
            Metrics metrics,
            MetricsHandler metricsHandler,
            SmokeSignupHandler smoke,
            StatsHandler stats,
            DashboardPage dashboard) {
    }

    /** What the service needs to know about the edge in front of it. */
    public record Edge(ClientAddresses clientAddresses, OriginLock originLock, OriginPolicy origins, boolean https) {
    }

    private App() {
    }

    /**
     * @param limits   Jetty's threads, and how many requests may wait for one and for how long
     * @param shedding the load shedding in front of everything (built by the caller, which also
     *                 lets the mail senders watch it)
     */
    public static Javalin create(Handlers handlers, Config.Http limits, OverloadShedding shedding) {
        ErrorMapper errors = new ErrorMapper(handlers.pages(), handlers.errorTracking());
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
            config.jsonMapper(new JavalinJackson(jsonMapper(), false));
            // Jetty's per-connection cache of header fields: char arrays of about 100 KB for every
            // connection, to save a few small allocations per request (class histogram under the spike)
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000); // finish in-flight requests
                // a wrapper set here ends up around Javalin's own handler: shedding comes first
                server.setHandler(shedding);
                // However little it sends, each open connection held about 100 KB of heap, nearly all
                // of it its parser's header cache (turned off below): a launch spike of 2,000 new
                // connections/s ran a 256 MB heap out with 7,000 of them open. Past the limit Jetty
                // stops accepting, and while it is reached, idle keep-alive connections are closed
                // after 5 s instead of 30.
                NetworkConnectionLimit connections = new NetworkConnectionLimit(limits.maxConnections(), server);
                connections.setEndPointIdleTimeout(5_000);
                server.addBean(connections);
            });
            config.requestLogger.http((ctx, millis) -> logRequest(ctx, millis, handlers.metrics()));
            errors.install(config);

            Edge edge = handlers.edge();
            config.routes.before(ctx -> {
                RequestIds.assign(ctx);
                securityHeaders(ctx, edge.https());
                edge.originLock().check(ctx);
                edge.clientAddresses().assign(ctx);
            });
            crossOrigin(config, "/api/v1/waitlists/{slug}/signups", ctx -> edge.origins().forWaitlist(ctx.pathParam("slug")));
            crossOrigin(config, "/api/v1/forms/{slug}/submissions", ctx -> edge.origins().forForm(ctx.pathParam("slug")));
            for (String path : List.of("/api/v1/confirmations", "/api/v1/status", "/api/v1/unsubscribe", "/api/v1/erasure",
                    "/api/v1/form-token", "/confirm", "/unsubscribe", "/erase")) {
                crossOrigin(config, path, ctx -> edge.origins().forAnyFunnel());
            }
            // per client IP, after the origin check and before anything is read or stored; health never limited
            config.routes.before("/api/v1/waitlists/{slug}/signups", handlers.rateLimits().signups());
            config.routes.before("/api/v1/forms/{slug}/submissions", handlers.rateLimits().formSubmissions());
            for (String emailLink : List.of("/api/v1/confirmations", "/api/v1/unsubscribe", "/api/v1/erasure",
                    "/confirm", "/unsubscribe", "/erase")) {
                config.routes.before(emailLink, handlers.rateLimits().emailLinks());
            }
            config.routes.before("/api/v1/status", handlers.rateLimits().statusLookups());
            config.routes.before("/status", handlers.rateLimits().statusLookups());

            config.routes.get("/healthz", handlers.health()::live);
            config.routes.get("/readyz", handlers.health()::ready);
            config.routes.get("/version", handlers.health()::version);
            config.routes.get("/metrics", handlers.metricsHandler()::scrape);

            config.routes.post("/api/v1/waitlists/{slug}/signups", handlers.signups()::create);
            config.routes.post("/api/v1/confirmations", handlers.emailLinks()::confirm);
            config.routes.get("/api/v1/status", handlers.signups()::status);
            config.routes.post("/api/v1/unsubscribe", handlers.emailLinks()::unsubscribe);
            config.routes.post("/api/v1/erasure", handlers.emailLinks()::erase);
            config.routes.post("/api/v1/forms/{slug}/submissions", handlers.leads()::submit);
            config.routes.get("/api/v1/form-token", handlers.formTokens()::issue);

            // admin API: bearer token first (GET/HEAD need read, the rest write), then the route
            config.routes.before("/api/v1/admin/*", handlers.adminAuthenticator()::authenticate);
            config.routes.get("/api/v1/admin/signups", handlers.admin()::listSignups);
            config.routes.get("/api/v1/admin/signups/export", handlers.admin()::exportSignups);
            config.routes.get("/api/v1/admin/signups/{id}", handlers.admin()::getSignup);
            config.routes.delete("/api/v1/admin/signups/{id}", handlers.admin()::eraseSignup);
            config.routes.post("/api/v1/admin/signups/{id}/resend-confirmation", handlers.admin()::resendConfirmation);
            config.routes.post("/api/v1/admin/signups/{id}/invite", handlers.admin()::markInvited);
            config.routes.get("/api/v1/admin/leads", handlers.admin()::listLeads);
            config.routes.get("/api/v1/admin/leads/export", handlers.admin()::exportLeads);
            config.routes.get("/api/v1/admin/leads/{id}", handlers.admin()::getLead);
            config.routes.delete("/api/v1/admin/leads/{id}", handlers.admin()::eraseLead);
            config.routes.get("/api/v1/admin/audit", handlers.admin()::auditLog);
            // the synthetic smoke check (launchline smoke): create a test signup, watch its mail, delete it
            config.routes.post("/api/v1/admin/smoke-signups", handlers.smoke()::create);
            config.routes.get("/api/v1/admin/smoke-signups/{id}", handlers.smoke()::status);
            config.routes.delete("/api/v1/admin/smoke-signups/{id}", handlers.smoke()::delete);
            config.routes.get("/api/v1/admin/health", handlers.health()::ready);
            config.routes.get("/api/v1/admin/stats", handlers.stats()::stats);

            // the dashboard: a page without data or token (it asks for one and calls the stats API)
            config.routes.get("/admin", handlers.dashboard()::page);
            config.routes.get("/admin/assets/{version}/{name}", handlers.dashboard()::asset);

            // pages reached from email links: a GET shows, only the page's button (a POST) acts
            config.routes.get("/confirm", handlers.emailLinks()::confirmPage);
            config.routes.post("/confirm", handlers.emailLinks()::confirm);
            config.routes.get("/status", handlers.emailLinks()::statusPage);
            config.routes.get("/unsubscribe", handlers.emailLinks()::unsubscribePage);
            config.routes.post("/unsubscribe", handlers.emailLinks()::unsubscribe);
            config.routes.post("/erase", handlers.emailLinks()::erase);
            config.routes.get("/thanks", ctx -> ctx.html(handlers.pages().render("thanks", "Thank you",
                    Map.of("form", ctx.queryParam("form") != null))));

            handlers.devMail().ifPresent(devMail -> {
                config.routes.get("/_dev/mail", devMail::list);
                config.routes.get("/", ctx -> {
                    Map<String, String> page = new HashMap<>(handlers.formTokens().formFields()); // bot defence
                    page.put("ref", Optional.ofNullable(ctx.queryParam("ref")).orElse("")); // referral links land here
                    ctx.html(handlers.pages().render("dev-home", "Launchline", page));
                });
            });
        });
    }

    public static ObjectMapper jsonMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    private static void crossOrigin(JavalinConfig config, String path, Function<Context, Set<String>> allowed) {
        config.routes.before(path, CrossOrigin.guard(allowed));
        config.routes.options(path, CrossOrigin.preflight(allowed));
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

    private static void logRequest(Context ctx, Float millis, Metrics metrics) {
        // the route template, never the raw path or query: those may hold tokens
        String route = ctx.endpoint() == null ? "(unmatched)" : ctx.endpoint().path;
        metrics.recordRequest(ctx.method().name(), route, ctx.status().getCode(),
                Duration.ofNanos((long) (millis * 1_000_000)));
        accessLog.info("{} {} -> {} in {} ms", ctx.method(), route, ctx.status().getCode(), Math.round(millis));
        MDC.remove("request_id");
    }
}
