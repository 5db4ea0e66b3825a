package dev.launchline.http;

import java.util.Map;

/**
 * An expected failure with a stable code, turned by {@link ErrorMapper} into
 * {@code {"error": {"code", "message", "fields"}}}. The message is for people and may change;
 * the code is for programs and does not.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> fields;

    public ApiException(int status, String code, String message, Map<String, String> fields) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.status = status;
        this.code = code;
        this.fields = Map.copyOf(fields);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public static ApiException validation(Map<String, String> fields) {
        return new ApiException(422, "validation_failed", "Some fields are missing or invalid.", fields);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " was not found.");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** Response headers that belong to this answer (Retry-After and the like); none by default. */
    public Map<String, String> headers() {
        return Map.of();
    }
}
