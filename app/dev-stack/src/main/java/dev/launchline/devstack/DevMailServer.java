package dev.launchline.devstack;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded default's mail server: a real SMTP server in-process (GreenMail) on loopback
 * that accepts every message and keeps it in memory, so a founder can see the funnel's mail
 * at /_dev/mail without an SMTP account. Dev and test only.
 */
public final class DevMailServer implements AutoCloseable {
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"'<>]+");

    /** A captured message as the dev inbox shows it. */
    public record CapturedMail(String messageId, String from, List<String> to, String replyTo, String subject,
                               String date, String text, String html, String listUnsubscribe,
                               String listUnsubscribePost, List<String> links) {
    }

    private final GreenMail greenMail;
    private final int port;

    private DevMailServer(GreenMail greenMail, int port) {
        this.greenMail = greenMail;
        this.port = port;
    }

    public static DevMailServer start(int port) {
        int chosen = port == 0 ? freePort() : port;
        GreenMail greenMail = new GreenMail(new ServerSetup(chosen, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new DevMailServer(greenMail, chosen);
    }

    public int port() {
        return port;
    }

    public List<CapturedMail> messages() {
        List<CapturedMail> result = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            result.add(capture(message));
        }
        return result;
    }

    private static CapturedMail capture(MimeMessage message) {
        try {
            Map<String, String> bodies = new LinkedHashMap<>();
            collectBodies(message, bodies);
            String text = bodies.getOrDefault("text/plain", "");
            List<String> links = new ArrayList<>();
            Matcher matcher = LINK.matcher(text);
            while (matcher.find()) {
                links.add(matcher.group());
            }
            return new CapturedMail(
                    message.getMessageID(),
                    message.getFrom() == null ? null : message.getFrom()[0].toString(),
                    message.getAllRecipients() == null ? List.of()
                            : Arrays.stream(message.getAllRecipients()).map(Object::toString).toList(),
                    message.getHeader("Reply-To", ","),
                    message.getSubject(),
                    message.getHeader("Date", null),
                    text,
                    bodies.getOrDefault("text/html", ""),
                    message.getHeader("List-Unsubscribe", null),
                    message.getHeader("List-Unsubscribe-Post", null),
                    links);
        } catch (MessagingException | IOException unreadable) {
            throw new IllegalStateException("captured message could not be read", unreadable);
        }
    }

    private static void collectBodies(Part part, Map<String, String> bodies) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collectBodies(child, bodies);
            }
        } else if (part.isMimeType("text/plain")) {
            bodies.putIfAbsent("text/plain", part.getContent().toString());
        } else if (part.isMimeType("text/html")) {
            bodies.putIfAbsent("text/html", part.getContent().toString());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
