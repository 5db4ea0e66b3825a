package dev.launchline.mail;

import dev.launchline.config.EnvironmentVariables;

import java.time.Duration;

/**
 * How the mail senders deliver and retry.
 *
 * @param senders       senders side by side, each with its own batch and SMTP connection
 * @param shareWhenBusy percent of its time a sender may spend sending while requests are
 *                      queueing for a slot; 100 never gives way
 */
public record OutboxSettings(int maxAttempts, Duration pollInterval, int batchSize, Duration retryBase,
                             Duration retryMax, int senders, int shareWhenBusy) {

    public static OutboxSettings load(EnvironmentVariables env) {
        return new OutboxSettings(
                env.integer("OUTBOX_MAX_ATTEMPTS", 10, 1, 100),
                Duration.ofMillis(env.integer("OUTBOX_POLL_INTERVAL_MS", 1000, 10, 600_000)),
                env.integer("OUTBOX_BATCH_SIZE", 50, 1, 1000),
                Duration.ofMillis(env.integer("OUTBOX_RETRY_BASE_MS", 30_000, 10, 3_600_000)),
                Duration.ofMillis(env.integer("OUTBOX_RETRY_MAX_MS", 3_600_000, 10, 86_400_000)),
                env.integer("OUTBOX_SENDERS", 2, 1, 64),
                env.integer("OUTBOX_SHARE_WHEN_BUSY", 20, 1, 100));
    }
}
