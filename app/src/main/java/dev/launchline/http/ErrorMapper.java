package dev.launchline.http;

import dev.launchline.db.DatabaseUnreachable;
import dev.launchline.errors.ErrorTracking;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place errors become responses: {@code {"error": {"code", "message", "fields"}}} for
 * API clients, a small HTML page for browsers. Expected errors ({@link ApiException}) are
 * answered quietly; anything else is a bug: logged with its stack trace and the request id,
 * answered with a bare 500 that reveals nothing.
 */
public final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private final Pages pages;
    private final ErrorTracking errorTracking;

    public ErrorMapper(Pages pages, ErrorTracking errorTracking) {
        this.pages = pages;
        this.errorTracking = errorTracking;
    }

    public void install(JavalinConfig config) {
        config.routes.exception(ApiException.class, (error, ctx) -> respond(ctx, error));
        config.routes.exception(HttpResponseException.class, (error, ctx) -> respond(ctx, fromJavalin(error)));
        config.routes.exception(DataAccessException.class, (error, ctx) -> {
            if (DatabaseUnreachable.explains(error)) {
                // not a bug and not the client's fault: say so, and when to come back
                log.warn("database unreachable during {} {}", ctx.method(), RouteTemplate.of(ctx));
                ctx.header("Retry-After", "5");
                respond(ctx, new ApiException(503, "service_unavailable",
                        "We cannot take this right now. Nothing was saved; please try again in a few seconds."));
                return;
            }
            log.error("database error in {} {}", ctx.method(), RouteTemplate.of(ctx), error);
            report(ctx, error);
            respond(ctx, new ApiException(500, "internal_error",
                    "Something went wrong on our side. Your request id is " + RequestIds.current(ctx) + "."));
        });
        config.routes.exception(Exception.class, (error, ctx) -> {
            log.error("unhandled error in {} {}", ctx.method(), RouteTemplate.of(ctx), error);
            report(ctx, error);
            respond(ctx, new ApiException(500, "internal_error",
                    "Something went wrong on our side. Your request id is " + RequestIds.current(ctx) + "."));
        });
        config.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                respond(ctx, new ApiException(404, "not_found", "There is nothing at this address."));
            }
        });
        config.routes.error(405, ctx -> respond(ctx,
                new ApiException(405, "method_not_allowed", "This address does not accept " + ctx.method() + ".")));
    }

    private void report(Context ctx, Exception error) {
        errorTracking.requestFailed(error, RequestIds.current(ctx), ctx.method().name(),
                RouteTemplate.of(ctx));
    }

    public void respond(Context ctx, ApiException error) {
        ctx.status(error.status());
        error.headers().forEach(ctx::header);
        if (wantsHtml(ctx)) {
            boolean waiting = error.status() == 429; // a person who typed too fast or shares a busy network: be kind
            ctx.html(pages.render("error", waiting ? "Just a moment" : "Something is not right", Map.of(
                    "waiting", waiting,
                    "message", error.getMessage(),
                    "problems", error.fields().entrySet().stream()
                            .map(entry -> Map.of("field", entry.getKey(), "problem", entry.getValue()))
                            .toList())));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        body.put("message", error.getMessage());
        body.put("fields", error.fields());
        ctx.json(Map.of("error", body));
    }

    private static ApiException fromJavalin(HttpResponseException error) {
        return switch (error.getStatus()) {
            case 413 -> new ApiException(413, "payload_too_large",
                    "The body is larger than " + RequestBody.MAX_BYTES + " bytes.");
            case 404 -> new ApiException(404, "not_found", "There is nothing at this address.");
            case 405 -> new ApiException(405, "method_not_allowed", "This address does not accept this method.");
            case 415 -> new ApiException(415, "unsupported_media_type", "Unsupported content type.");
            default -> error.getStatus() >= 500
                    ? new ApiException(500, "internal_error", "Something went wrong on our side.")
                    : new ApiException(error.getStatus(), "bad_request", "The request could not be understood.");
        };
    }

    /** Browsers navigating (form posts, links from email) get pages; everything else JSON. */
    static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }
}
