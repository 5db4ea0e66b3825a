package dev.launchline.mail;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Whether a claimed email may go to a recipient who is on the suppression list: given the list's
 * entry that the claim read with the email (no round trip of its own), why this email must not be
 * sent, or empty to send it. Such an email ends 'suppressed'.
 */
public interface RecipientCheck {
    /** A recipient's entry on the suppression list, as the claim read it: why, and its latest event. */
    record Listed(String reason, OffsetDateTime since) {
    }

    RecipientCheck NONE = (kind, listed) -> Optional.empty();

    Optional<String> blocks(String kind, Listed listed);
}
