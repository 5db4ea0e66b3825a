package dev.launchline.bots;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;

/** Honeypot, minimum fill time, Turnstile, disposable domains. (Issue 3: filled in by the bot-defence work.) */
public record BotDefenceSettings() {

    public static BotDefenceSettings load(EnvironmentVariables env, Environment environment) {
        return new BotDefenceSettings();
    }
}
