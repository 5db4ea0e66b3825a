package dev.launchline.config;

import java.util.Locale;
import java.util.Optional;

/** APP_ENV. Only dev and test may fall back to the embedded database and mail server. */
public enum Environment {
    DEV, TEST, STAGING, PRODUCTION;

    public boolean allowsEmbeddedDefaults() {
        return this == DEV || this == TEST;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Environment> parse(String value) {
        for (Environment environment : values()) {
            if (environment.id().equals(value)) {
                return Optional.of(environment);
            }
        }
        return Optional.empty();
    }
}
