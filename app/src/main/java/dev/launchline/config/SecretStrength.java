package dev.launchline.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a secret we generate ourselves (signing keys, shared tokens) looks random. Length alone
 * let "aaaa...", "password" four times and "change-me-change-me-..." through. These rules catch
 * what people type instead of generating: too short, too few distinct characters, one piece
 * repeated, or a placeholder word. Secrets issued by someone else (an SMTP password, a Turnstile
 * secret) are theirs to judge and are not checked. The answer never quotes the value.
 */
public final class SecretStrength {
    public static final int MIN_LENGTH = 32;
    private static final int MIN_DISTINCT_CHARACTERS = 12;
    private static final List<String> PLACEHOLDERS = List.of("changeme", "change-me", "change_me", "replace-me",
            "replaceme", "password", "passwd", "secret", "example", "placeholder", "default", "your-", "todo",
            "xxxxx", "insert", "dummy", "letmein", "qwerty");
    private static final String HOW = "generate one, e.g. openssl rand -base64 32";

    private SecretStrength() {
    }

    /** What is wrong with the secret, in words fit for an error message; empty when it looks random. */
    public static Optional<String> weakness(String value) {
        if (value.length() < MIN_LENGTH) {
            return Optional.of("too short: use at least " + MIN_LENGTH + " random characters; " + HOW);
        }
        if (value.codePoints().distinct().count() < MIN_DISTINCT_CHARACTERS) {
            return Optional.of("too few different characters to be random; " + HOW);
        }
        if ((value + value).indexOf(value, 1) < value.length()) {
            return Optional.of("one piece repeated, not random; " + HOW);
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (PLACEHOLDERS.stream().anyMatch(lower::contains)) {
            return Optional.of("looks like a placeholder or a chosen word, not a random value; " + HOW);
        }
        return Optional.empty();
    }

    /** Records a problem for the variable when its secret is set and weak. */
    public static void check(EnvironmentVariables env, String name, Optional<Secret> secret) {
        secret.flatMap(given -> weakness(given.reveal())).ifPresent(problem -> env.problem(name, problem));
    }
}
