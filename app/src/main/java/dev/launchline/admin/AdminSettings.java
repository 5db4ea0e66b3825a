package dev.launchline.admin;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;

/** The admin API. (Issue 3: filled in by the admin work.) */
public record AdminSettings() {

    public static AdminSettings load(EnvironmentVariables env, Environment environment) {
        return new AdminSettings();
    }
}
