package dev.launchline.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes delivered webhooks once WEBHOOK_RETENTION_DAYS have passed: their payloads hold the
 * personal data they carried, and a receiver's complaint about a delivery comes within days.
 * Pending and dead deliveries stay (they are still owed). Run by the housekeeping thread.
 */
public final class WebhookRetention implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(WebhookRetention.class);
    static final int BATCH_SIZE = 500;

    private final WebhookRepository deliveries;
    private final Duration retention;

    public WebhookRetention(WebhookRepository deliveries, Duration retention) {
        this.deliveries = deliveries;
        this.retention = retention;
    }

    @Override
    public void run() {
        var cutoff = deliveries.now().minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = deliveries.deleteDeliveredBefore(cutoff, BATCH_SIZE);
            total += deleted;
        } while (deleted == BATCH_SIZE);
        if (total > 0) {
            log.info("deleted {} webhook deliveries delivered before {}", total, cutoff);
        }
    }
}
