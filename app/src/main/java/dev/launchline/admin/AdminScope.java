package dev.launchline.admin;

import java.util.Locale;
import java.util.Optional;

/** What an admin token may do: {@code read} lists, searches, exports; {@code write} also changes. */
public enum AdminScope {
    READ, WRITE;

    public boolean allows(AdminScope required) {
        return this == WRITE || required == READ;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AdminScope> parse(String text) {
        for (AdminScope scope : values()) {
            if (scope.id().equals(text)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
