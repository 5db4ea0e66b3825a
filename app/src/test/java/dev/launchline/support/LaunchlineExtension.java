package dev.launchline.support;

import dev.launchline.Launchline;
import dev.launchline.bots.BotDrops;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Starts a {@link TestStack} for a test class and closes it afterwards, so no test class writes
 * that lifecycle by hand. A test class declares it as a field annotated {@code @RegisterExtension}:
 * <pre>{@code
 *     static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of("ORIGIN_LOCK_SECRET", SECRET));
 * }</pre>
 * On a static field there is one stack for the class and its {@code @Nested} classes (a nested
 * class with other settings declares its own); on an instance field, a fresh stack for every test
 * (JUnit calls an extension on an instance field only around each test). A test body reads as it
 * would with a {@code TestStack} in hand: {@code stack.http()}, {@code stack.db()},
 * {@code stack.awaitMailTo(...)} pass straight to the running stack, and {@link #testStack()} hands
 * it to a helper. A test that needs one more stack with other settings, or stops one midway, still
 * opens a {@code TestStack} with try-with-resources.
 */
public final class LaunchlineExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final Supplier<Map<String, String>> overrides;
    private TestStack stack;
    /** The class or test whose start began the stack: only its end closes it (not a @Nested class's). */
    private String startedBy;

    private LaunchlineExtension(Supplier<Map<String, String>> overrides) {
        this.overrides = overrides;
    }

    /** The stack with {@link TestStack}'s test defaults. */
    public static LaunchlineExtension withDefaults() {
        return with(Map.of());
    }

    /** The test defaults, overridden by {@code overrides}. */
    public static LaunchlineExtension with(Map<String, String> overrides) {
        return new LaunchlineExtension(() -> overrides);
    }

    /**
     * Overrides read only when the stack starts: for settings that name a part the test class
     * starts first (TurnstileTest: its local siteverify's URL).
     */
    public static LaunchlineExtension with(Supplier<Map<String, String>> overrides) {
        return new LaunchlineExtension(overrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start(context); // a no-op when a static field's stack already runs
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
    }

    private void start(ExtensionContext context) {
        if (stack == null) {
            stack = TestStack.start(overrides.get());
            startedBy = context.getUniqueId();
        }
    }

    private void stop(ExtensionContext context) {
        if (stack != null && context.getUniqueId().equals(startedBy)) {
            try {
                stack.close();
            } finally {
                stack = null;
                startedBy = null;
            }
        }
    }

    /** The running stack, for helpers that take a {@link TestStack}. */
    public TestStack testStack() {
        if (stack == null) {
            throw new IllegalStateException("the stack runs only while its test class (or test) does");
        }
        return stack;
    }

    public Http http() {
        return testStack().http();
    }

    public DSLContext db() {
        return testStack().db();
    }

    public Launchline service() {
        return testStack().service();
    }

    public BotDrops botDrops() {
        return testStack().botDrops();
    }

    public Map<String, String> env() {
        return testStack().env();
    }

    public void stopSmtp() {
        testStack().stopSmtp();
    }

    public void startSmtp() {
        testStack().startSmtp();
    }

    public List<CapturedMail> mail() {
        return testStack().mail();
    }

    public List<CapturedMail> mailTo(String address) {
        return testStack().mailTo(address);
    }

    public CapturedMail awaitMail(Predicate<CapturedMail> matching) {
        return testStack().awaitMail(matching);
    }

    public CapturedMail awaitMailTo(String address, String subjectContains) {
        return testStack().awaitMailTo(address, subjectContains);
    }

    public void awaitOutboxDelivered() {
        testStack().awaitOutboxDelivered();
    }
}
