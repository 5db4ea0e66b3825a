package dev.launchline.config;

import java.nio.charset.StandardCharsets;

/**
 * A secret value (password, signing key, token). Its toString never shows the value, so a
 * secret that ends up in a log line, an exception message or a record's toString stays hidden.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null ? null : new Secret(value);
    }

    /** The raw value: call it only where the secret is used, never to print or compare. */
    public String reveal() {
        return value;
    }

    public byte[] revealBytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
