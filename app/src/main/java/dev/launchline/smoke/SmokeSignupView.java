package dev.launchline.smoke;

import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.db.schema.tables.records.SignupRecord;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A smoke-check signup as the admin API shows it: stored (it exists) and how far its
 * confirmation got. {@code confirmation} is null only if its mail row is gone.
 */
public record SmokeSignupView(long id, String waitlist, OffsetDateTime createdAt, Confirmation confirmation) {

    /** @param status the outbox status: pending, sending, sent (accepted by SMTP) or dead */
    public record Confirmation(String status, int attempts, String lastError, OffsetDateTime sentAt) {
    }

    static SmokeSignupView of(SignupRecord signup, Optional<OutboxEmailRecord> mail) {
        return new SmokeSignupView(signup.getId(), signup.getWaitlist(), signup.getCreatedAt(),
                mail.map(row -> new Confirmation(row.getStatus(), row.getAttempts(), row.getLastError(),
                        row.getSentAt())).orElse(null));
    }
}
