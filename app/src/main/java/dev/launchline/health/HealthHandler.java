package dev.launchline.health;

import dev.launchline.http.Routes;
import dev.launchline.http.Guard;
import dev.launchline.config.Environment;
import dev.launchline.db.Database;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * /healthz: the process is alive (no dependencies, so a database outage never gets the
 * service restarted in a loop). /readyz: it can take traffic: database reachable, every
 * migration applied (503 otherwise); its detail also says whether leads arrive and mail
 * leaves, "degraded" past the thresholds of {@link HealthSettings} while staying 200, since
 * the funnel still takes leads when mail is late. GET /api/v1/admin/health: the same answer
 * behind an admin token. /version: what is running. A stopping instance answers /readyz with 503
 * "draining" (see {@link Draining}).
 */
public final class HealthHandler {
    private static final Logger log = LoggerFactory.getLogger(HealthHandler.class);

    private final Database database;
    private final LeadCaptureHealth leadCapture;
    private final BuildInfo build;
    private final Environment environment;
    private final Draining draining;

    public HealthHandler(Database database, LeadCaptureHealth leadCapture, BuildInfo build, Environment environment,
                         Draining draining) {
        this.database = database;
        this.draining = draining;
        this.leadCapture = leadCapture;
        this.build = build;
        this.environment = environment;
    }

    public void live(Context ctx) {
        ctx.json(Map.of("status", "alive"));
    }

    /** GET /readyz, and GET /api/v1/admin/health (the admin gate runs first). */
    public void ready(Context ctx) {
        if (draining.isDraining()) { // stopping: the load balancer is to take it out (see Draining)
            ctx.status(503).json(Map.of("status", "draining"));
            return;
        }
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean ready;
        try {
            int pending = database.pendingMigrations();
            checks.put("database", Map.of("status", "up"));
            checks.put("migrations", Map.of(
                    "status", pending == 0 ? "up" : "pending",
                    "pending", pending,
                    "version", database.schemaVersion().orElse("none")));
            ready = pending == 0;
        } catch (RuntimeException unreachable) {
            log.warn("readiness check: database unreachable ({})", unreachable.getClass().getSimpleName());
            checks.put("database", Map.of("status", "down"));
            ctx.status(503).json(answer("not_ready", checks));
            return;
        }
        Optional<LeadCaptureHealth.Reading> reading = leadCapture.current();
        reading.ifPresentOrElse(
                current -> {
                    checks.put("outbox", Map.of(
                            "undelivered", current.undelivered(),
                            "oldest_age_seconds", current.oldestPendingAgeSeconds(),
                            "dead", current.deadLetters()));
                    checks.put("mail", mail(current));
                    checks.put("leads", leads(current));
                },
                () -> checks.put("mail", Map.of("status", "unknown")));
        boolean degraded = reading.map(current -> !current.problems().isEmpty()).orElse(false);
        String status = !ready ? "not_ready" : degraded ? "degraded" : "ready";
        ctx.status(ready ? 200 : 503).json(answer(status, checks));
    }

    /** "status" first, always: operators read these answers with curl, runbooks quote them. */
    private static Map<String, Object> answer(String status, Map<String, Object> checks) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", status);
        answer.put("checks", checks);
        return answer;
    }

    private Map<String, Object> mail(LeadCaptureHealth.Reading reading) {
        HealthSettings settings = leadCapture.settings();
        Map<String, Object> mail = new LinkedHashMap<>();
        mail.put("status", reading.mailStatus());
        mail.put("problems", reading.problems());
        mail.put("last_sent_at", reading.lastSentAt().orElse(null));
        mail.put("seconds_since_last_sent", secondsSince(reading.lastSentAt(), reading.readAt()));
        mail.put("dead_recent", reading.recentDeadLetters());
        mail.put("thresholds", Map.of(
                "oldest_pending_age_seconds", settings.oldestPendingWarn().toSeconds(),
                "backlog", settings.backlogWarn(),
                "dead_letters", settings.deadLettersWarn(),
                "dead_letter_window_minutes", settings.deadLetterWindow().toMinutes()));
        mail.put("read_at", reading.readAt());
        return mail;
    }

    private static Map<String, Object> leads(LeadCaptureHealth.Reading reading) {
        Map<String, Object> leads = new LinkedHashMap<>();
        leads.put("last_signup_at", reading.lastSignupAt().orElse(null));
        leads.put("seconds_since_last_signup", secondsSince(reading.lastSignupAt(), reading.readAt()));
        leads.put("last_lead_at", reading.lastLeadAt().orElse(null));
        leads.put("seconds_since_last_lead", secondsSince(reading.lastLeadAt(), reading.readAt()));
        return leads;
    }

    private static Long secondsSince(Optional<OffsetDateTime> moment, OffsetDateTime now) {
        return moment.map(at -> Math.max(0, Duration.between(at, now).toSeconds())).orElse(null);
    }

    public void version(Context ctx) {
        ctx.json(Map.of(
                "version", build.version(),
                "commit", build.commit(),
                "build_time", build.buildTime(),
                "release", build.release(),
                "environment", environment.id()));
    }

    /** Liveness, readiness and version are open (probes and load balancers call them); the admin copy is not. */
    public Routes routes(Guard admin) {
        return routes -> routes.get("/healthz", this::live)
                .get("/readyz", this::ready)
                .get("/version", this::version)
                .get("/api/v1/admin/health", this::ready, admin);
    }
}
