package dev.launchline.health;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;

import java.time.Duration;

/**
 * When lead-capture health reads "degraded": mail is late, piling up or bouncing. Degraded is
 * detail, not unreadiness: the funnel still takes leads while mail waits in the outbox.
 *
 * @param oldestPendingWarn HEALTH_OUTBOX_OLDEST_PENDING_WARN_SECONDS: the oldest undelivered email is older
 * @param backlogWarn       HEALTH_OUTBOX_BACKLOG_WARN: at least this many emails are undelivered
 * @param deadLettersWarn   HEALTH_DEAD_LETTERS_WARN: at least this many emails were given up on within
 * @param deadLetterWindow  HEALTH_DEAD_LETTER_WINDOW_MINUTES
 * @param cacheFor          HEALTH_CACHE_SECONDS: how long one reading of the database is reused, so probes
 *                          and scrapes never add up to more than one set of queries per period
 */
public record HealthSettings(Duration oldestPendingWarn, int backlogWarn, int deadLettersWarn,
                             Duration deadLetterWindow, Duration cacheFor) {

    public static HealthSettings load(EnvironmentVariables env, Environment environment) {
        return new HealthSettings(
                Duration.ofSeconds(env.integer("HEALTH_OUTBOX_OLDEST_PENDING_WARN_SECONDS", 300, 1, 7 * 86_400)),
                env.integer("HEALTH_OUTBOX_BACKLOG_WARN", 1000, 1, 100_000_000),
                env.integer("HEALTH_DEAD_LETTERS_WARN", 10, 1, 1_000_000),
                Duration.ofMinutes(env.integer("HEALTH_DEAD_LETTER_WINDOW_MINUTES", 60, 1, 7 * 24 * 60)),
                Duration.ofSeconds(env.integer("HEALTH_CACHE_SECONDS", 5, 1, 300)));
    }
}
