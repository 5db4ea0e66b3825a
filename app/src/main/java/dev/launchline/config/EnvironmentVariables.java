package dev.launchline.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The variables the service reads: the process environment, optionally on top of a dotenv
 * file named by LAUNCHLINE_ENV_FILE (the real environment wins). Secrets may instead come
 * from a file named by NAME_FILE (Docker/Kubernetes secrets), so they need not sit in the
 * environment at all. Problems are collected, never thrown one by one.
 */
public final class EnvironmentVariables {
    public static final String ENV_FILE = "LAUNCHLINE_ENV_FILE";

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    public EnvironmentVariables(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The process environment, with the dotenv file it names underneath it. */
    public static EnvironmentVariables fromProcess() {
        Map<String, String> merged = new HashMap<>();
        List<String> fileProblems = new ArrayList<>();
        String envFile = System.getenv(ENV_FILE);
        if (envFile != null && !envFile.isBlank()) {
            readEnvFile(Path.of(envFile), ENV_FILE, merged, fileProblems);
        }
        merged.putAll(System.getenv());
        EnvironmentVariables variables = new EnvironmentVariables(merged);
        variables.problems.addAll(fileProblems);
        return variables;
    }

    /** One env file alone, nothing of the process environment (check-config --compare). */
    public static EnvironmentVariables fromFile(Path file) {
        Map<String, String> values = new HashMap<>();
        List<String> fileProblems = new ArrayList<>();
        readEnvFile(file, file.toString(), values, fileProblems);
        EnvironmentVariables variables = new EnvironmentVariables(values);
        variables.problems.addAll(fileProblems);
        return variables;
    }

    private static void readEnvFile(Path path, String name, Map<String, String> into, List<String> fileProblems) {
        if (!Files.isReadable(path)) {
            fileProblems.add(name + ": file not found or not readable");
            return;
        }
        try {
            Dotenv dotenv = Dotenv.configure()
                    .directory(path.toAbsolutePath().getParent().toString())
                    .filename(path.getFileName().toString())
                    .load();
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                into.put(entry.getKey(), entry.getValue());
            }
        } catch (RuntimeException malformed) {
            fileProblems.add(name + ": file could not be parsed as KEY=VALUE lines");
        }
    }

    /** The names set (not blank), for comparisons that must never show a value. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        values.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                names.add(name);
            }
        });
        return names;
    }

    public Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** NAME, or the contents of the file NAME_FILE points to (trailing newline dropped). */
    public Optional<Secret> secret(String name) {
        Optional<String> direct = get(name);
        Optional<String> file = get(name + "_FILE");
        if (direct.isPresent() && file.isPresent()) {
            problem(name, "set either " + name + " or " + name + "_FILE, not both");
            return Optional.empty();
        }
        if (file.isPresent()) {
            try {
                String content = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
                if (content.isEmpty()) {
                    problem(name + "_FILE", "the file is empty");
                    return Optional.empty();
                }
                // e.g. a command's notes saved with the token: refused here, never sent in a header
                if (content.chars().anyMatch(Character::isISOControl)) {
                    problem(name + "_FILE", "the file holds more than one line (or a control character); "
                            + "it must hold the secret alone");
                    return Optional.empty();
                }
                return Optional.of(Secret.of(content));
            } catch (IOException | RuntimeException unreadable) {
                problem(name + "_FILE", "file not found or not readable");
                return Optional.empty();
            }
        }
        return direct.map(Secret::of);
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                problem(name, "must be a whole number from " + min + " to " + max);
                return fallback;
            }
            return value;
        } catch (NumberFormatException notANumber) {
            problem(name, "must be a whole number from " + min + " to " + max);
            return fallback;
        }
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> {
                problem(name, "must be true or false");
                yield fallback;
            }
        };
    }

    public void missing(String name, String why) {
        problem(name, "missing (" + why + ")");
    }

    public void problem(String name, String what) {
        problems.add(name + ": " + what);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
