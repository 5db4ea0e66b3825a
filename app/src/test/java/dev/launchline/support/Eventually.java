package dev.launchline.support;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polls for something asynchronous (mail delivery) instead of sleeping a guessed time. */
public final class Eventually {
    private Eventually() {
    }

    public static <T> T get(Supplier<Optional<T>> probe, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
