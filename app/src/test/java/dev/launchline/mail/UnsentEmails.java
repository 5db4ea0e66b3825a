package dev.launchline.mail;

import dev.launchline.db.schema.tables.records.OutboxEmailRecord;

import java.time.OffsetDateTime;

/** Outbox rows built in memory, for tests that hand them straight to {@link SmtpMailer}. */
final class UnsentEmails {
    private UnsentEmails() {
    }

    static OutboxEmailRecord to(String recipient, String messageId, String subject, String text, String html) {
        OutboxEmailRecord email = new OutboxEmailRecord();
        email.setMessageId(messageId);
        email.setKind("test");
        email.setSender("hello@launchline.test");
        email.setRecipient(recipient);
        email.setSubject(subject);
        email.setTextBody(text);
        email.setHtmlBody(html);
        email.setCreatedAt(OffsetDateTime.now());
        return email;
    }
}
