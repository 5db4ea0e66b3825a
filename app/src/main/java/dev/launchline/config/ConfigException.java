package dev.launchline.config;

import java.util.List;

/** Every problem found in the configuration, each naming the variable and never its value. */
public final class ConfigException extends RuntimeException {
    /** What a command exits with when the configuration is invalid: EX_CONFIG from sysexits.h. */
    public static final int EXIT_CODE = 78;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
