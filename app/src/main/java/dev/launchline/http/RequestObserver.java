package dev.launchline.http;

import java.time.Duration;

/** Told of every finished request (the metrics): by route template, never the raw path. */
@FunctionalInterface
public interface RequestObserver {
    void completed(String method, String route, int status, Duration took);
}
