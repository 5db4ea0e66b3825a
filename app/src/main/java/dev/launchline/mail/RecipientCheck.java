package dev.launchline.mail;

import org.jooq.DSLContext;

import java.util.Optional;

/**
 * Asked by the worker before each email, in its transaction: why this recipient must get no mail
 * of this kind (the suppression list), or empty to send. Such an email ends 'suppressed'.
 */
public interface RecipientCheck {
    RecipientCheck NONE = (tx, recipient, kind) -> Optional.empty();

    Optional<String> blocks(DSLContext tx, String recipient, String kind);
}
