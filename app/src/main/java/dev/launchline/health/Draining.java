package dev.launchline.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * An instance on its way out. From {@link #drainFor} on, /readyz answers 503 "draining" while the
 * instance still serves every request, so a load balancer that checks /readyz stops sending it new
 * ones; only then does the HTTP server close its port and finish what is in flight. Without this a
 * rolling restart loses the requests that reach an instance in the moment its port closes.
 */
public final class Draining {
    private static final Logger log = LoggerFactory.getLogger(Draining.class);

    private volatile boolean draining;

    public boolean isDraining() {
        return draining;
    }

    /** Fails readiness, then waits (SHUTDOWN_DRAIN_SECONDS) while requests are still served. */
    public void drainFor(Duration period) {
        draining = true;
        if (period.isZero()) {
            return;
        }
        log.info("draining: /readyz answers 503 for {} s before the port closes", period.toSeconds());
        try {
            Thread.sleep(period);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
