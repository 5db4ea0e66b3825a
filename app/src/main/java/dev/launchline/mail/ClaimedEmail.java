package dev.launchline.mail;

import dev.launchline.db.schema.tables.records.OutboxEmailRecord;

import java.util.Optional;

/** An email a sender has claimed, with its recipient's suppression-list entry when there is one. */
public record ClaimedEmail(OutboxEmailRecord email, Optional<RecipientCheck.Listed> listed) {
}
