package dev.launchline.mail;

import java.util.Optional;

/**
 * A fully rendered email, ready for the outbox. Rendering happens when the email is queued,
 * so what is stored is exactly what will be sent, whatever the templates become later.
 *
 * @param unsubscribeUrl one-click unsubscribe target (RFC 8058); empty for mail that is not optional
 */
public record OutgoingEmail(
        String kind,
        String sender,
        String recipient,
        Optional<String> replyTo,
        String subject,
        String textBody,
        String htmlBody,
        Optional<String> unsubscribeUrl) {
}
