package dev.launchline.errors;

import java.util.regex.Pattern;

/**
 * Removes what must never leave the service in an error report: email addresses (a database
 * error's detail line quotes the duplicate key), link tokens, bearer tokens and IP addresses.
 * Applied to every free-text part of an event, after the SDK has built it.
 */
public final class PersonalData {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    /** Our signed link tokens: base64url payload, a dot, base64url HMAC. */
    private static final Pattern LINK_TOKEN = Pattern.compile("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{40,}");
    private static final Pattern TOKEN_PARAMETER = Pattern.compile("(?i)(token=)[^&\\s\"']+");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)\\S+");
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
    private static final Pattern IPV6 = Pattern.compile("\\b(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}\\b|[0-9A-Fa-f:]*::[0-9A-Fa-f:]*[0-9A-Fa-f]");

    private PersonalData() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = EMAIL.matcher(text).replaceAll("[email]");
        redacted = TOKEN_PARAMETER.matcher(redacted).replaceAll("$1[token]");
        redacted = BEARER.matcher(redacted).replaceAll("$1[token]");
        redacted = LINK_TOKEN.matcher(redacted).replaceAll("[token]");
        redacted = IPV4.matcher(redacted).replaceAll("[ip]");
        return IPV6.matcher(redacted).replaceAll("[ip]");
    }
}
