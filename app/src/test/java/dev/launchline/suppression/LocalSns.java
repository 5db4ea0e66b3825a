package dev.launchline.suppression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for Amazon SNS: an RSA key and a self-signed X.509 certificate made by the
 * JDK's keytool, served over real HTTP as SNS serves its signing certificate, and a SubscribeURL
 * that counts its confirmations. It signs messages exactly as SNS does (the same string to sign,
 * SignatureVersion 1 or 2), so the service verifies them with the code it runs in production.
 */
public final class LocalSns implements AutoCloseable {
    public static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-feedback";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final PrivateKey key;
    private final List<String> confirmations = new CopyOnWriteArrayList<>();
    private final List<String> certificateFetches = new CopyOnWriteArrayList<>();

    public LocalSns() {
        try {
            Path dir = Files.createTempDirectory("local-sns");
            Path store = dir.resolve("sns.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "sns", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", "CN=sns.amazonaws.com", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = new FileInputStream(store.toFile())) {
                keyStore.load(in, "changeit".toCharArray());
            }
            key = (PrivateKey) keyStore.getKey("sns", "changeit".toCharArray());
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate("sns");
            byte[] pem = ("-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/SimpleNotificationService-local.pem", exchange -> {
                certificateFetches.add(exchange.getRequestURI().toString());
                exchange.sendResponseHeaders(200, pem.length);
                exchange.getResponseBody().write(pem);
                exchange.close();
            });
            server.createContext("/confirm", exchange -> {
                confirmations.add(exchange.getRequestURI().getQuery());
                byte[] body = "<ConfirmSubscriptionResponse/>".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        } catch (Exception failed) {
            throw new IllegalStateException("could not start the local SNS", failed);
        }
    }

    /** The service's settings that make this fake the one SNS it trusts (plain http: test only). */
    public Map<String, String> env() {
        return Map.of("SES_SNS_TOPIC_ARNS", TOPIC, "SES_SNS_HOST_PATTERN", "127\\.0\\.0\\.1");
    }

    public String certificateUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/SimpleNotificationService-local.pem";
    }

    /** An SNS Notification carrying {@code message} (an SES notification's JSON), signed. */
    public String notification(String message, String signatureVersion) {
        return notification(message, signatureVersion, null);
    }

    /** The same with a Subject, which SNS signs when the publisher gave one. */
    public String notification(String message, String signatureVersion, String subject) {
        ObjectNode sns = JSON.createObjectNode();
        sns.put("Type", "Notification");
        sns.put("MessageId", UUID.randomUUID().toString());
        sns.put("TopicArn", TOPIC);
        if (subject != null) {
            sns.put("Subject", subject);
        }
        sns.put("Message", message);
        sns.put("Timestamp", Instant.now().toString());
        sns.put("SignatureVersion", signatureVersion);
        sns.put("SigningCertURL", certificateUrl());
        sns.put("UnsubscribeURL", "http://127.0.0.1:" + server.getAddress().getPort() + "/unsubscribe");
        return sign(sns, "Message\n" + message + "\nMessageId\n" + sns.get("MessageId").asText()
                + (subject == null ? "" : "\nSubject\n" + subject) + "\nTimestamp\n"
                + sns.get("Timestamp").asText() + "\nTopicArn\n" + TOPIC + "\nType\nNotification\n");
    }

    /** What SNS sends first when the founder subscribes the endpoint, signed. */
    public String subscriptionConfirmation(String token) {
        ObjectNode sns = JSON.createObjectNode();
        String subscribeUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/confirm?Token=" + token;
        sns.put("Type", "SubscriptionConfirmation");
        sns.put("MessageId", UUID.randomUUID().toString());
        sns.put("Token", token);
        sns.put("TopicArn", TOPIC);
        sns.put("Message", "You have chosen to subscribe to the topic " + TOPIC + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        sns.put("SubscribeURL", subscribeUrl);
        sns.put("Timestamp", Instant.now().toString());
        sns.put("SignatureVersion", "1");
        sns.put("SigningCertURL", certificateUrl());
        return sign(sns, "Message\n" + sns.get("Message").asText() + "\nMessageId\n" + sns.get("MessageId").asText()
                + "\nSubscribeURL\n" + subscribeUrl + "\nTimestamp\n" + sns.get("Timestamp").asText() + "\nToken\n" + token
                + "\nTopicArn\n" + TOPIC + "\nType\nSubscriptionConfirmation\n");
    }

    private String sign(ObjectNode sns, String stringToSign) {
        try {
            Signature signature = Signature.getInstance(sns.get("SignatureVersion").asText().equals("2")
                    ? "SHA256withRSA" : "SHA1withRSA");
            signature.initSign(key);
            signature.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            sns.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
            return JSON.writeValueAsString(sns);
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The query strings SubscribeURL was opened with. */
    public List<String> confirmations() {
        return List.copyOf(confirmations);
    }

    public int certificateFetches() {
        return certificateFetches.size();
    }

    /** An SES bounce notification as AWS documents it, for {@code recipient}. */
    public static String sesBounce(String recipient, String bounceType) {
        return """
                {"notificationType":"Bounce",
                 "bounce":{"bounceType":"%2$s","reportingMTA":"dns; email.example.com",
                   "bouncedRecipients":[{"emailAddress":"%1$s","status":"5.1.1","action":"failed",
                                         "diagnosticCode":"smtp; 550 5.1.1 <%1$s>... User"}],
                   "bounceSubType":"General","timestamp":"2016-01-27T14:59:38.237Z",
                   "feedbackId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000","remoteMtaIp":"127.0.2.0"},
                 "mail":{"timestamp":"2016-01-27T14:59:38.237Z","source":"hello@launchline.test",
                   "sourceArn":"arn:aws:ses:eu-west-1:123456789012:identity/launchline.test","sourceIp":"127.0.3.0",
                   "sendingAccountId":"123456789012",
                   "messageId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
                   "destination":["%1$s"],"headersTruncated":false,
                   "headers":[{"name":"From","value":"hello@launchline.test"},{"name":"To","value":"%1$s"}],
                   "commonHeaders":{"from":["hello@launchline.test"],"to":["%1$s"],"subject":"Confirm"}}}
                """.formatted(recipient, bounceType);
    }

    /** An SES complaint notification as AWS documents it (with a feedback report), for {@code recipient}. */
    public static String sesComplaint(String recipient) {
        return """
                {"notificationType":"Complaint",
                 "complaint":{"userAgent":"AnyCompany Feedback Loop (V0.01)",
                   "complainedRecipients":[{"emailAddress":"%1$s"}],"complaintFeedbackType":"abuse",
                   "arrivalDate":"2016-01-27T14:59:38.237Z","timestamp":"2016-01-27T14:59:38.237Z",
                   "feedbackId":"000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000"},
                 "mail":{"timestamp":"2016-01-27T14:59:38.237Z","messageId":"000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000",
                   "source":"hello@launchline.test","sourceArn":"arn:aws:ses:eu-west-1:123456789012:identity/launchline.test",
                   "sourceIp":"127.0.3.0","sendingAccountId":"123456789012","destination":["%1$s"]}}
                """.formatted(recipient);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
