package dev.launchline.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runbook's drill steps, as written: the fenced blocks whose info string names them, e.g.
 * <pre>
 * ```sh drill=migrate
 * java -jar "$RELEASE_DIR/launchline.jar" migrate
 * ```
 * </pre>
 * A drill runs a step with bash ({@code set -euo pipefail}), the variables the runbook tells the
 * operator to set bound to a local stack, so the runbook and what the drill proves cannot drift:
 * change the command in the Markdown and the drill runs the new one.
 */
public final class Runbook {
    private static final Pattern FENCE = Pattern.compile("^( *)```(\\S*)(.*)$");
    private static final Pattern DRILL = Pattern.compile("\\bdrill=([a-z0-9-]+)");

    private final String name;
    private final Map<String, String> steps;

    private Runbook(String name, Map<String, String> steps) {
        this.name = name;
        this.steps = steps;
    }

    /** The repository's root: the directory above app/ (tests run with app/ as working directory). */
    public static Path repository() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("runbooks")) ? here : here.getParent();
    }

    public static Runbook load(String file) {
        Path path = repository().resolve("runbooks").resolve(file);
        try {
            return parse(file, Files.readAllLines(path, StandardCharsets.UTF_8));
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    public static Runbook parse(String name, List<String> lines) {
        Map<String, String> steps = new LinkedHashMap<>();
        String step = null;
        int indent = 0;
        StringBuilder body = new StringBuilder();
        boolean inBlock = false;
        for (String line : lines) {
            Matcher fence = FENCE.matcher(line);
            if (!inBlock && fence.matches()) {
                inBlock = true;
                indent = fence.group(1).length();
                Matcher drill = DRILL.matcher(fence.group(3));
                step = drill.find() ? drill.group(1) : null;
                body.setLength(0);
            } else if (inBlock && line.strip().equals("```")) {
                inBlock = false;
                if (step != null && steps.put(step, body.toString()) != null) {
                    throw new IllegalStateException(name + ": two steps named drill=" + step);
                }
            } else if (inBlock) {
                body.append(line.length() >= indent && line.substring(0, indent).isBlank() ? line.substring(indent) : line.strip())
                        .append('\n');
            }
        }
        return new Runbook(name, steps);
    }

    public Map<String, String> steps() {
        return steps;
    }

    public String step(String step) {
        String commands = steps.get(step);
        if (commands == null) {
            throw new IllegalArgumentException(name + " has no step marked drill=" + step + " (it has " + steps.keySet() + ")");
        }
        return commands;
    }

    public record Outcome(int exitCode, String output) {
    }

    /** Runs one step in {@code dir}; see {@link #bash}. */
    public Outcome run(String step, Map<String, String> env, Path dir, Duration timeout) {
        Outcome outcome = bash(step(step), env, dir, timeout);
        System.out.println("runbook " + name + " step " + step + " (exit " + outcome.exitCode() + "):\n"
                + outcome.output().indent(2));
        return outcome;
    }

    /** Runs a step and fails the test, with what it printed, unless it exits 0; returns what it printed. */
    public String runOk(String step, Map<String, String> env, Path dir, Duration timeout) {
        Outcome outcome = run(step, env, dir, timeout);
        if (outcome.exitCode() != 0) {
            throw new AssertionError(name + " step " + step + " exited " + outcome.exitCode() + ":\n" + outcome.output());
        }
        return outcome.output();
    }

    /** A command of the drill's own (not the runbook's), in the repository's root; fails unless it exits 0. */
    public static String bashOk(String script, Map<String, String> env, Duration timeout) {
        Outcome outcome = bash(script, env, repository(), timeout);
        if (outcome.exitCode() != 0) {
            throw new AssertionError("`" + script.strip() + "` exited " + outcome.exitCode() + ":\n" + outcome.output());
        }
        return outcome.output();
    }

    /**
     * Runs commands with bash ({@code set -euo pipefail}) in {@code dir}, with only {@code env}
     * (and PATH, HOME, LANG unless given) in their environment, as an operator's fresh shell with
     * the runbook's variables set; returns the exit code and what they printed (stdout and stderr).
     */
    public static Outcome bash(String commands, Map<String, String> env, Path dir, Duration timeout) {
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + commands)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        bash.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        bash.environment().putAll(env);
        try {
            Path output = Files.createTempFile("runbook-step", ".log");
            bash.redirectOutput(output.toFile());
            Process process = bash.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("`" + commands.strip() + "` did not finish within " + timeout
                        + "; it printed:\n" + Files.readString(output));
            }
            String printed = Files.readString(output);
            Files.delete(output);
            return new Outcome(process.exitValue(), printed);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }
}
