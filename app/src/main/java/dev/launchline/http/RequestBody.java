package dev.launchline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a POST body, JSON or an HTML form, into plain values ({@link Fields}), refusing what
 * a funnel endpoint never needs: other content types, bodies over {@link #MAX_BYTES},
 * nesting, and bytes that are not UTF-8 (no silent U+FFFD in a stored name).
 */
public final class RequestBody {
    public static final int MAX_BYTES = 16 * 1024;
    private static final ObjectMapper STRICT_JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(4)
                    .maxStringLength(MAX_BYTES)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private RequestBody() {
    }

    public static boolean isHtmlForm(Context ctx) {
        return mediaType(ctx).equals("application/x-www-form-urlencoded");
    }

    public static Fields read(Context ctx) {
        String mediaType = mediaType(ctx);
        if (ctx.req().getContentLengthLong() > (1 << 20)) {
            throw tooLarge(MAX_BYTES); // too big to even drain politely
        }
        return switch (mediaType) {
            case "application/json" -> {
                String charset = charset(ctx);
                if (charset != null && !charset.equals("utf-8")) {
                    throw new ApiException(415, "unsupported_media_type", "JSON bodies must be UTF-8.");
                }
                yield json(body(ctx));
            }
            case "application/x-www-form-urlencoded" -> Fields.ofForm(form(body(ctx)));
            default -> throw new ApiException(415, "unsupported_media_type",
                    "Send application/json or application/x-www-form-urlencoded.");
        };
    }

    private static byte[] body(Context ctx) {
        return bytes(ctx, MAX_BYTES);
    }

    /**
     * The raw body, at most {@code maxBytes} (a 413 beyond): for the few routes whose bodies are
     * neither funnel JSON nor forms, and may be larger (the mail providers' notifications).
     */
    public static byte[] bytes(Context ctx, int maxBytes) {
        if (ctx.req().getContentLengthLong() > Math.max(maxBytes, 1 << 20)) {
            throw tooLarge(maxBytes); // too big to even drain politely
        }
        // Read at most maxBytes + 1 ourselves: a chunked body declares no length up front.
        try (var in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                if (out.size() > maxBytes) {
                    // read (and drop) a bounded rest, so the client gets the 413 instead of a reset connection
                    in.skipNBytes(Math.min(Math.max(ctx.req().getContentLengthLong() - out.size(), 0), 1 << 20));
                    throw tooLarge(maxBytes);
                }
            }
            return out.toByteArray();
        } catch (IOException brokenConnection) {
            throw new ApiException(400, "malformed_body", "The request body could not be read.");
        }
    }

    private static Fields json(byte[] body) {
        strictUtf8(body); // Jackson would otherwise accept some broken sequences
        JsonNode root;
        try {
            root = STRICT_JSON.readTree(body);
        } catch (JsonProcessingException malformed) {
            throw new ApiException(400, "malformed_json", "The body is not valid JSON.");
        } catch (IOException unreadable) {
            throw new ApiException(400, "malformed_json", "The body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "malformed_json", "The body must be a JSON object.");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            values.put(field.getKey(), Fields.fromJson(field.getValue()));
        }
        return new Fields(values);
    }

    /** application/x-www-form-urlencoded, decoded strictly: a repeated key or bad escape is an error. */
    static Map<String, String> form(byte[] body) {
        Map<String, String> values = new LinkedHashMap<>();
        String raw = new String(body, StandardCharsets.ISO_8859_1); // one char per byte, decoded below
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = percentDecode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : percentDecode(pair.substring(equals + 1));
            if (values.put(key, value) != null) {
                throw new ApiException(400, "malformed_body", "The form field '" + Fields.printable(key)
                        + "' was sent more than once.");
            }
        }
        return values;
    }

    private static String percentDecode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw malformedForm();
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw malformedForm();
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return strictUtf8(bytes.toByteArray());
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            throw new ApiException(400, "malformed_body", "The body is not valid UTF-8.");
        }
    }

    private static ApiException malformedForm() {
        return new ApiException(400, "malformed_body", "The form body has an invalid %-escape.");
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "payload_too_large", "The body is larger than " + maxBytes + " bytes.");
    }

    private static String mediaType(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String charset(Context ctx) {
        for (String parameter : ctx.contentType().split(";")) {
            String trimmed = parameter.trim().toLowerCase(Locale.ROOT);
            if (trimmed.startsWith("charset=")) {
                return trimmed.substring("charset=".length()).replace("\"", "");
            }
        }
        return null;
    }
}
