package dev.launchline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything a start has started, closed in reverse order: by a shutdown, and by a start that
 * failed half-way (so a failed start leaks no pool, thread or embedded server). One failing
 * close does not stop the others.
 */
final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private record Part(String name, AutoCloseable closer) {
    }

    private final Deque<Part> started = new ArrayDeque<>();

    /** Registers a started part; returns it, so that starting and registering read as one step. */
    <T extends AutoCloseable> T started(String name, T part) {
        started.push(new Part(name, part));
        return part;
    }

    /** Registers what stops a started part that is not itself closeable. */
    void onClose(String name, AutoCloseable closer) {
        started.push(new Part(name, closer));
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            Part part = started.pop();
            try {
                part.closer().close();
            } catch (Exception failed) {
                log.warn("stopping {} failed: {}", part.name(), failed.toString());
            } catch (Error fatal) {
                log.error("stopping {} failed", part.name(), fatal);
            }
        }
    }
}
