package dev.launchline.admin;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.ratelimit.Limit;

import java.time.Duration;

/**
 * The admin API.
 *
 * @param authFailures how many failed admin authentications one client (IP, IPv6 /64) may
 *                     make per window before every admin request from it gets 429
 */
public record AdminSettings(Limit authFailures) {

    public static AdminSettings load(EnvironmentVariables env, Environment environment) {
        int failures = env.integer("ADMIN_AUTH_FAILURE_LIMIT", 10, 1, 10_000);
        int windowSeconds = env.integer("ADMIN_AUTH_FAILURE_WINDOW_SECONDS", 300, 1, 86_400);
        return new AdminSettings(new Limit("admin_auth_failures", failures, Duration.ofSeconds(windowSeconds)));
    }
}
