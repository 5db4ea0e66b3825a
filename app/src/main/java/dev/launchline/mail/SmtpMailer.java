package dev.launchline.mail;

import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;

/** Sends outbox rows over SMTP, one connection per batch. */
public final class SmtpMailer {
    static {
        // Jakarta Mail 2.1 looks up its StreamProvider through ServiceLoader for every body part
        // and header block it builds (jakartaee/mail-api#861): a scan of the jar's entries each
        // time, which profiling showed as a tenth of the service's CPU at 200 signups/s. Naming
        // the implementation turns that into a plain class lookup.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }


    /**
     * RFC 5322's date-time, e.g. "Fri, 4 Dec 2026 16:34:43 +0000". setSentDate formats through a
     * synchronized SimpleDateFormat: 5 % of the mail sender's CPU (JFR, 1,000 emails/s).
     */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private final Session session;
    private final SmtpSettings smtp;

    public SmtpMailer(SmtpSettings smtp) {
        this.smtp = smtp;
        String protocol = smtp.security() == SmtpSettings.Security.TLS ? "smtps" : "smtp";
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", protocol);
        properties.put("mail." + protocol + ".host", smtp.host());
        properties.put("mail." + protocol + ".port", String.valueOf(smtp.port()));
        // A hung SMTP server must never hang the worker: every socket operation is bounded.
        String timeout = String.valueOf(smtp.timeout().toMillis());
        properties.put("mail." + protocol + ".connectiontimeout", timeout);
        properties.put("mail." + protocol + ".timeout", timeout);
        properties.put("mail." + protocol + ".writetimeout", timeout);
        properties.put("mail." + protocol + ".executor.writetimeout", WriteDeadlines.SHARED); // see there why
        properties.put("mail." + protocol + ".auth", String.valueOf(smtp.username().isPresent()));
        if (smtp.security() == SmtpSettings.Security.STARTTLS) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        if (smtp.security() != SmtpSettings.Security.NONE) {
            properties.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(properties);
    }

    /** An open SMTP connection; close it when the batch is done. */
    public Connection connect() throws MessagingException {
        Transport transport = session.getTransport();
        if (smtp.username().isPresent()) {
            transport.connect(smtp.host(), smtp.port(), smtp.username().get(),
                    smtp.password().map(secret -> secret.reveal()).orElse(""));
        } else {
            transport.connect();
        }
        return new Connection(transport);
    }

    public final class Connection implements AutoCloseable {
        private final Transport transport;

        private Connection(Transport transport) {
            this.transport = transport;
        }

        public boolean isOpen() {
            return transport.isConnected();
        }

        public void send(OutboxEmailRecord email) throws MessagingException {
            MimeMessage message = toMime(email);
            transport.sendMessage(message, message.getAllRecipients());
        }

        @Override
        public void close() {
            try {
                transport.close();
            } catch (MessagingException alreadyBroken) {
                // nothing to do: the connection is gone either way
            }
        }
    }

    MimeMessage toMime(OutboxEmailRecord email) throws MessagingException {
        MimeMessage message = new StableIdMessage(session, email.getMessageId());
        message.setFrom(new InternetAddress(email.getSender()));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(email.getRecipient()));
        if (email.getReplyTo() != null) {
            message.setReplyTo(new InternetAddress[] {new InternetAddress(email.getReplyTo())});
        }
        // the subject may carry a visitor's name: HeaderText keeps it one line, shown as written
        message.setHeader("Subject", HeaderText.encode(email.getSubject()));
        message.setHeader("Date", DATE.format(email.getCreatedAt()));
        if (email.getUnsubscribeUrl() != null) {
            // RFC 8058: mailbox providers show an unsubscribe button that POSTs to this URL
            message.setHeader("List-Unsubscribe", "<" + email.getUnsubscribeUrl() + ">");
            message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.setHeader("Auto-Submitted", "auto-generated");

        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(encodedText(email.getTextBody(), "plain"));
        alternative.addBodyPart(encodedText(email.getHtmlBody(), "html"));
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    /**
     * A text part whose transfer encoding is applied here, once, into bytes that Angus then copies
     * to the socket in blocks. A part built with setText goes out through the text/plain handler,
     * which hands the SMTP stream one byte per call (its writer sits on a FilterOutputStream
     * without a block write), and its encoding is chosen by writing the whole text once more:
     * together a third of the mail sender's CPU at 1,000 signups/s (async-profiler). The encoding
     * is still the library's choice (7bit, quoted-printable or base64, by MimeUtility's rules).
     */
    static MimeBodyPart encodedText(String text, String subtype) throws MessagingException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        String contentType = "text/" + subtype + "; charset=UTF-8";
        String encoding = MimeUtility.getEncoding(new ByteArrayDataSource(utf8, contentType));
        ByteArrayOutputStream encoded = new ByteArrayOutputStream(utf8.length + utf8.length / 4);
        try (OutputStream encoder = MimeUtility.encode(encoded, encoding)) {
            encoder.write(utf8);
        } catch (IOException impossible) {
            throw new MessagingException("could not encode a text part", impossible); // in-memory streams
        }
        InternetHeaders headers = new InternetHeaders();
        headers.setHeader("Content-Type", contentType);
        headers.setHeader("Content-Transfer-Encoding", encoding);
        return new MimeBodyPart(headers, encoded.toByteArray());
    }

    /** Keeps the Message-ID chosen when the email was queued, across every retry. */
    private static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
