package dev.launchline.support;

import dev.launchline.Main;

import java.nio.file.Path;
import java.util.Map;

/**
 * The service's main class in a JVM of its own, as an operator runs it (exit codes, stdout, a
 * kill -9), with only the environment given: nothing leaks in from the test's own.
 */
public final class MainProcess {
    private MainProcess() {
    }

    public static ProcessBuilder with(Map<String, String> env, String... args) {
        String[] command = new String[4 + args.length];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = Main.class.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }
}
