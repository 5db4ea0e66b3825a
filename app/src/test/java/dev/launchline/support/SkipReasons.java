package dev.launchline.support;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every skipped test and why (a disabled condition's reason, a failed assumption's
 * message) to target/skipped-tests.txt, which the build prints after the tests (app/pom.xml):
 * Surefire's console says only how many were skipped. Registered through
 * META-INF/services/org.junit.platform.launcher.TestExecutionListener.
 */
public final class SkipReasons implements TestExecutionListener {
    static final Path FILE = Path.of("target", "skipped-tests.txt");
    private final List<String> lines = new ArrayList<>();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        try {
            Files.deleteIfExists(FILE);
        } catch (IOException ignored) {
            // a stale list is only informational
        }
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        lines.add("skipped: " + name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) { // an assumption did not hold
            lines.add("skipped: " + name(test) + ": "
                    + result.getThrowable().map(Throwable::getMessage).orElse("an assumption did not hold"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(FILE.getParent());
            Files.write(FILE, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private static String name(TestIdentifier test) {
        return test.getSource().map(source -> switch (source) {
            case MethodSource method -> simple(method.getClassName()) + "." + method.getMethodName();
            case ClassSource type -> simple(type.getClassName());
            default -> test.getDisplayName();
        }).orElse(test.getDisplayName());
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
