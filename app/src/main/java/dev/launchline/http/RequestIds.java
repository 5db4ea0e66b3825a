package dev.launchline.http;

import dev.launchline.token.ThreadRandom;
import io.javalin.http.Context;
import org.slf4j.MDC;

import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's X-Request-Id when it is a sane token (so an edge
 * proxy's id follows the request through our logs), else a fresh one. It is returned on every
 * response and put in the logging context, so logs carry the id instead of personal data.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String ATTRIBUTE = "launchline.requestId";

    private RequestIds() {
    }

    public static void assign(Context ctx) {
        String incoming = ctx.header(HEADER);
        String id = incoming != null && SAFE.matcher(incoming).matches() ? incoming : ThreadRandom.uuid().toString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put("request_id", id);
    }

    public static String current(Context ctx) {
        Object id = ctx.attribute(ATTRIBUTE);
        return id == null ? "unknown" : id.toString();
    }
}
