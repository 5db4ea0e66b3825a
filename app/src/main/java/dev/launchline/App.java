package dev.launchline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.launchline.bots.FormTokenHandler;
import dev.launchline.dev.DevMailHandler;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.health.HealthHandler;
import dev.launchline.http.ErrorMapper;
import dev.launchline.http.Pages;
import dev.launchline.http.RequestBody;
import dev.launchline.http.RequestIds;
import dev.launchline.lead.LeadHandler;
import dev.launchline.waitlist.EmailLinkHandler;
import dev.launchline.waitlist.SignupHandler;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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
            ClientAddresses clientAddresses,
            FormTokenHandler formTokens) {
    }

    private App() {
    }

    public static Javalin create(Handlers handlers) {
        ErrorMapper errors = new ErrorMapper(handlers.pages());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = RequestBody.MAX_BYTES;
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(jsonMapper(), false));
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000)); // finish in-flight requests
            config.requestLogger.http(App::logRequest);
            errors.install(config);

            config.routes.before(ctx -> {
                RequestIds.assign(ctx);
                handlers.clientAddresses().assign(ctx);
                securityHeaders(ctx);
            });

            config.routes.get("/healthz", handlers.health()::live);
            config.routes.get("/readyz", handlers.health()::ready);
            config.routes.get("/version", handlers.health()::version);

            config.routes.post("/api/v1/waitlists/{slug}/signups", handlers.signups()::create);
            config.routes.post("/api/v1/confirmations", handlers.emailLinks()::confirm);
            config.routes.get("/api/v1/status", handlers.signups()::status);
            config.routes.post("/api/v1/unsubscribe", handlers.emailLinks()::unsubscribe);
            config.routes.post("/api/v1/erasure", handlers.emailLinks()::erase);
            config.routes.post("/api/v1/forms/{slug}/submissions", handlers.leads()::submit);
            config.routes.get("/api/v1/form-token", handlers.formTokens()::issue);

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

    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        // token links must not leak to other sites through the Referer header
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("Cache-Control", "no-store");
    }

    private static void logRequest(Context ctx, Float millis) {
        // the route template, never the raw path or query: those may hold tokens
        String route = ctx.endpoint() == null ? "(unmatched)" : ctx.endpoint().path;
        accessLog.info("{} {} -> {} in {} ms", ctx.method(), route, ctx.status().getCode(), Math.round(millis));
        MDC.remove("request_id");
    }
}
