package dev.launchline.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.text.Normalizer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields of one request body, read by name with the checks every text field gets
 * (type, Unicode hygiene, length cap). Problems are collected per field and thrown together
 * by {@link #throwIfInvalid()}, so a client learns about every bad field in one answer.
 */
public final class Fields {

    /** A JSON value of a type no text field accepts (number, array, ...); {@link #wholeNumber} reads numbers. */
    private record WrongType(JsonNode node) {
    }

    private final Map<String, Object> values;
    private final Map<String, String> problems = new TreeMap<>();

    Fields(Map<String, Object> values) {
        this.values = values;
    }

    static Fields ofForm(Map<String, String> form) {
        return new Fields(new LinkedHashMap<>(form));
    }

    static Object fromJson(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> nested = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                nested.put(entry.getKey(), fromJson(entry.getValue()));
            }
            return nested;
        }
        return new WrongType(node);
    }

    /** A single-line text field: trimmed, NFC-normalized, empty means absent. */
    public Optional<String> text(String name, int maxLength) {
        return text(name, values.get(name), maxLength, false);
    }

    public Optional<String> multilineText(String name, int maxLength) {
        return text(name, values.get(name), maxLength, true);
    }

    public String requiredText(String name, int maxLength) {
        Optional<String> value = text(name, maxLength);
        if (value.isEmpty() && !problems.containsKey(name)) {
            problems.put(name, "is required");
        }
        return value.orElse(null);
    }

    /** JSON true/false, or an HTML checkbox ("on", "true", "1", "yes"). */
    public boolean flag(String name) {
        Object value = values.get(name);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        if (value instanceof String text) {
            return switch (text.trim().toLowerCase()) {
                case "on", "true", "1", "yes" -> true;
                case "", "off", "false", "0", "no" -> false;
                default -> {
                    problems.put(name, "must be true or false");
                    yield false;
                }
            };
        }
        problems.put(name, "must be true or false");
        return false;
    }

    /**
     * A whole number from {@code min} to {@code max}: a JSON integer, or its digits in a form field.
     * Empty when absent (a required one is a problem) or invalid (then also a problem).
     */
    public OptionalInt wholeNumber(String name, int min, int max, boolean required) {
        Object value = values.get(name);
        String range = "must be a whole number from " + min + " to " + max;
        if (value == null) {
            if (required) {
                problems.put(name, "is required");
            }
            return OptionalInt.empty();
        }
        long number;
        if (value instanceof WrongType(JsonNode node) && node.isIntegralNumber() && node.canConvertToLong()) {
            number = node.longValue();
        } else if (value instanceof String text && text.strip().matches("-?[0-9]{1,18}")) {
            number = Long.parseLong(text.strip());
        } else {
            problems.put(name, range);
            return OptionalInt.empty();
        }
        if (number < min || number > max) {
            problems.put(name, range);
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) number);
    }

    /**
     * The allowed custom fields: from a JSON object under "custom_fields", or - since an HTML
     * form is flat - from top-level form fields with the custom field's name.
     */
    public Map<String, String> customFields(Set<String> allowed, int maxLength) {
        Map<String, String> result = new TreeMap<>();
        Object nested = values.get("custom_fields");
        if (nested != null && !(nested instanceof Map<?, ?>)) {
            problems.put("custom_fields", "must be an object of text values");
            return result;
        }
        Map<?, ?> source = nested == null ? Map.of() : (Map<?, ?>) nested;
        for (Map.Entry<?, ?> entry : source.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!allowed.contains(key)) {
                problems.put("custom_fields." + printable(key), "is not a field of this form");
                continue;
            }
            text("custom_fields." + key, entry.getValue(), maxLength, false).ifPresent(text -> result.put(key, text));
        }
        for (String name : allowed) {
            if (values.containsKey(name)) {
                text(name, values.get(name), maxLength, false).ifPresent(text -> result.put(name, text));
            }
        }
        return result;
    }

    /**
     * Removes a field that is not the endpoint's own (the bot defence's honeypot and tokens), so
     * {@link #rejectUnknown} never sees it. Its text, stripped; blank or absent is empty. A
     * non-text value comes back as its JSON text: a bot that fills a honeypot with 1 filled it.
     */
    public Optional<String> take(String name) {
        Object value = values.remove(name);
        if (value == null) {
            return Optional.empty();
        }
        String text = value instanceof String raw ? raw.strip() : String.valueOf(value);
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** Every field not in {@code known} is a problem: a typo should not be silently dropped. */
    public void rejectUnknown(Set<String> known) {
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                problems.put(printable(name), "is not a field of this endpoint");
            }
        }
    }

    public void problem(String field, String message) {
        problems.putIfAbsent(field, message);
    }

    public boolean hasProblem(String field) {
        return problems.containsKey(field);
    }

    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw ApiException.validation(problems);
        }
    }

    private Optional<String> text(String name, Object value, int maxLength, boolean multiline) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String raw)) {
            problems.put(name, "must be text");
            return Optional.empty();
        }
        String text = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!cleanUnicode(text, multiline)) {
            problems.put(name, "contains characters that are not allowed");
            return Optional.empty();
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            problems.put(name, "must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** No control characters (bar newlines/tabs in multi-line text), no lone surrogates, no NUL. */
    private static boolean cleanUnicode(String text, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
                continue;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
            boolean allowedWhitespace = multiline && (c == '\n' || c == '\r' || c == '\t');
            if (Character.isISOControl(c) && !allowedWhitespace) {
                return false;
            }
            if (c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
                return false;
            }
        }
        return true;
    }

    /** A client-supplied field name made safe to echo back in an error. */
    static String printable(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_.\\-]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }
}
