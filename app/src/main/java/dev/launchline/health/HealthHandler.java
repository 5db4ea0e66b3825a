package dev.launchline.health;

import dev.launchline.config.Environment;
import dev.launchline.db.Database;
import dev.launchline.mail.OutboxRepository;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /healthz: the process is alive (no dependencies, so a database outage never gets the
 * service restarted in a loop). /readyz: it can take traffic: database reachable, every
 * migration applied; it also reports the outbox backlog. /version: what is running.
 */
public final class HealthHandler {
    private static final Logger log = LoggerFactory.getLogger(HealthHandler.class);

    private final Database database;
    private final OutboxRepository outbox;
    private final BuildInfo build;
    private final Environment environment;
    private final Clock clock;

    public HealthHandler(Database database, OutboxRepository outbox, BuildInfo build, Environment environment,
                         Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.build = build;
        this.environment = environment;
        this.clock = clock;
    }

    public void live(Context ctx) {
        ctx.json(Map.of("status", "alive"));
    }

    public void ready(Context ctx) {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean ready = true;
        try {
            int pending = database.pendingMigrations();
            checks.put("database", Map.of("status", "up"));
            checks.put("migrations", Map.of(
                    "status", pending == 0 ? "up" : "pending",
                    "pending", pending,
                    "version", database.schemaVersion().orElse("none")));
            ready = pending == 0;
            OutboxRepository.Backlog backlog = outbox.backlog();
            long oldestAge = backlog.oldestCreatedAt()
                    .map(created -> Duration.between(created, OffsetDateTime.now(clock)).toSeconds())
                    .orElse(0L);
            checks.put("outbox", Map.of(
                    "undelivered", backlog.undelivered(),
                    "oldest_age_seconds", Math.max(oldestAge, 0),
                    "dead", backlog.dead()));
        } catch (RuntimeException unreachable) {
            log.warn("readiness check: database unreachable ({})", unreachable.getClass().getSimpleName());
            checks.put("database", Map.of("status", "down"));
            ready = false;
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready", "checks", checks));
    }

    public void version(Context ctx) {
        ctx.json(Map.of(
                "version", build.version(),
                "commit", build.commit(),
                "build_time", build.buildTime(),
                "release", build.release(),
                "environment", environment.id()));
    }
}
