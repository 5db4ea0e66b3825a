package dev.launchline.mail;

import java.util.Optional;

/**
 * An email for the outbox, in one of two forms. Rendered: subject and bodies as they will be
 * sent, whatever the templates become later (lead notifications, "you're on the list"). Deferred
 * ({@link #deferred}): only what it is rendered from, as JSON in {@code templateData}, and the
 * sender renders it with the templates in force when it sends it ({@link DeferredRendering}): a
 * signup's confirmation, where the rendered bodies were most of what a signup wrote to disk.
 *
 * @param unsubscribeUrl one-click unsubscribe target (RFC 8058); empty for mail that is not optional
 *                       (for a deferred email, the renderer supplies it)
 */
public record OutgoingEmail(
        String kind,
        String sender,
        String recipient,
        Optional<String> replyTo,
        String subject,
        String textBody,
        String htmlBody,
        Optional<String> unsubscribeUrl,
        Optional<String> templateData) {

    /** A rendered email. */
    public OutgoingEmail(String kind, String sender, String recipient, Optional<String> replyTo, String subject,
                         String textBody, String htmlBody, Optional<String> unsubscribeUrl) {
        this(kind, sender, recipient, replyTo, subject, textBody, htmlBody, unsubscribeUrl, Optional.empty());
    }

    /** An email rendered when it is sent, from {@code templateData} (a JSON object). */
    public static OutgoingEmail deferred(String kind, String sender, String recipient, String templateData) {
        return new OutgoingEmail(kind, sender, recipient, Optional.empty(), null, null, null, Optional.empty(),
                Optional.of(templateData));
    }
}
