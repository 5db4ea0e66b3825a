package dev.launchline.waitlist;

import dev.launchline.db.GroupCommit;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.mail.OutgoingEmail;
import dev.launchline.webhook.WebhookEvents;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The one statement that writes a launch spike's new signup with its confirmation, group
 * committed: {@link SignupRepository#INSERT_IF_NEW_WITH_EMAIL}, or, when a webhook endpoint hears
 * signup.created on that waitlist, the same statement with the event's deliveries in it
 * ({@link SignupRepository#INSERT_IF_NEW_WITH_EMAIL_AND_WEBHOOKS}). Either way one statement, one
 * round trip, and the event exists exactly when the signup does.
 *
 * @param withWebhooks present when any endpoint hears signup.created
 */
public record NewSignupStatement(SignupRepository signups, GroupCommit plain, Optional<GroupCommit> withWebhooks,
                                 WebhookEvents webhooks) {

    /** False when the waitlist already has this address (or the code is taken): nothing was written. */
    boolean insert(SignupRecord signup, OutgoingEmail confirmation, String messageId, OffsetDateTime queuedAt) {
        Optional<WebhookEvents.Prepared> created = withWebhooks.flatMap(statement -> webhooks.signupCreated(signup));
        return created.isPresent()
                ? signups.insertIfNewWithEmail(withWebhooks.get(), signup, confirmation, messageId, queuedAt, created.get())
                : signups.insertIfNewWithEmail(plain, signup, confirmation, messageId, queuedAt);
    }
}
