package dev.launchline.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.launchline.Config;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.support.TestStack;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a real SMTP server receives from {@link SmtpMailer}: both bodies arrive exactly as
 * written, whatever they hold, in the transfer encoding Jakarta Mail's rules choose for them.
 */
class SmtpMailerTest {
    private GreenMail relay;
    private SmtpMailer mailer;

    @BeforeEach
    void startRelay() {
        int port = TestStack.freePort();
        relay = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        mailer = new SmtpMailer(SmtpSettings.local(port, Duration.ofSeconds(5)));
    }

    @AfterEach
    void stopRelay() {
        relay.stop();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            plain ASCII                        | 7bit             | Hi there,\\nconfirm here: https://launchline.test/c?t=abc\\n
            accents, a dash and an emoji       | quoted-printable | Grüße, Zoë — welcome! 🚀\\nSee you soon.\\n
            mostly Japanese                    | base64           | ウェイティングリストへようこそ。メールアドレスを確認してください。\\n
            an ASCII line longer than SMTP's   | quoted-printable | <p>LONG</p>\\n
            lines that start with dots         | 7bit             | .\\n..\\n.hidden\\nend\\n.
            CRLF, lone CR and trailing spaces  | 7bit             | one \\r\\ntwo\\rthree   \\n
            """)
    void both_bodies_arrive_exactly_as_written(String what, String expectedEncoding, String escaped) throws Exception {
        String body = escaped.replace("\\n", "\n").replace("\\r", "\r")
                .replace("LONG", "x".repeat(1500));
        OutboxEmailRecord email = email(body, "<html><body>" + body + "</body></html>");
        try (SmtpMailer.Connection connection = mailer.connect()) {
            connection.send(email);
        }

        MimeMessage received = relay.getReceivedMessages()[0];
        MimeMultipart alternative = (MimeMultipart) received.getContent();
        BodyPart text = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(html.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(text.getHeader("Content-Transfer-Encoding")).containsExactly(expectedEncoding);
        // SMTP carries lines ending in CRLF: compare line by line
        assertThat(lines((String) text.getContent())).isEqualTo(lines(body));
        assertThat(lines((String) html.getContent())).isEqualTo(lines("<html><body>" + body + "</body></html>"));
        assertThat(received.getMessageID()).isEqualTo("<body-test@launchline.test>");
    }

    @Test
    void the_date_header_is_when_the_email_was_queued_in_rfc_5322_form() throws Exception {
        OutboxEmailRecord email = email("Hi", "<p>Hi</p>");
        email.setCreatedAt(OffsetDateTime.parse("2026-12-04T09:05:03.250+01:00"));
        try (SmtpMailer.Connection connection = mailer.connect()) {
            connection.send(email);
        }

        MimeMessage received = relay.getReceivedMessages()[0];
        assertThat(received.getHeader("Date")).containsExactly("Fri, 4 Dec 2026 09:05:03 +0100");
        assertThat(received.getSentDate().toInstant()).isEqualTo(Instant.parse("2026-12-04T08:05:03Z"));
    }

    private static String lines(String text) {
        return text.replace("\r\n", "\n").replace("\r", "\n");
    }

    private static OutboxEmailRecord email(String text, String html) {
        return UnsentEmails.to("someone@launchline.test", "<body-test@launchline.test>", "Bodies", text, html);
    }
}
