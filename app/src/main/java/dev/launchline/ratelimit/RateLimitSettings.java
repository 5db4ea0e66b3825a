package dev.launchline.ratelimit;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;

/** The rate limits of this environment. (Issue 3: filled in by the rate-limit work.) */
public record RateLimitSettings() {

    public static RateLimitSettings load(EnvironmentVariables env, Environment environment) {
        return new RateLimitSettings();
    }
}
