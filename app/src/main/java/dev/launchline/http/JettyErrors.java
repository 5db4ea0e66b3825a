package dev.launchline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The errors Jetty answers itself, before a request reaches Javalin (a malformed URI or header,
 * a URI or headers too long): in the same JSON shape as every other error
 * ({@code {"error": {"code", "message", "fields"}}}), not Jetty's HTML page, and with the same
 * no-store and nosniff headers.
 */
final class JettyErrors extends ErrorHandler {
    private static final ObjectMapper JSON = Json.mapper();

    @Override
    protected void generateResponse(Request request, Response response, int status, String ignoredMessage,
                                    Throwable ignoredCause, Callback callback) {
        // Jetty's message and cause can quote the request back: never echo them
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code(status));
        error.put("message", message(status));
        error.put("fields", Map.of());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("error", error));
        } catch (JsonProcessingException impossible) {
            callback.failed(impossible);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String code(int status) {
        return switch (status) {
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 503 -> "overloaded";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    private static String message(int status) {
        return switch (status) {
            case 408 -> "The request body did not arrive in time. Nothing was saved; please try again.";
            case 413 -> "The body is larger than " + RequestBody.MAX_BYTES + " bytes.";
            case 414 -> "The address is too long.";
            case 431 -> "The request headers are too large.";
            case 503 -> "We are busy right now. Nothing was saved; please try again in a few seconds.";
            default -> status >= 500 ? "Something went wrong on our side." : "The request could not be understood.";
        };
    }
}
