package dev.launchline.suppression;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Mailgun's side of a webhook: its JSON payloads (shaped as in Mailgun's documentation), signed as
 * Mailgun signs them, the hex HMAC-SHA256 of timestamp + token under the webhook signing key.
 */
public final class LocalMailgun {
    public static final String SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";

    private LocalMailgun() {
    }

    public static String permanentFailure(String recipient, String signingKey) {
        return signed("""
                {"id":"G9Bn5sl1TC6nu79C8C0bwg","timestamp":1521233195.375624,"log-level":"error","event":"failed",
                 "severity":"permanent","reason":"bounce",
                 "delivery-status":{"attempt-no":1,"code":550,"message":"5.1.1 The email account that you tried to reach does not exist: %1$s",
                                    "description":"","mx-host":"mx.example.test","session-seconds":0.1},
                 "envelope":{"sender":"hello@launchline.test","transport":"smtp","targets":"%1$s"},
                 "recipient":"%1$s","recipient-domain":"example.test",
                 "message":{"headers":{"to":"%1$s","message-id":"20130503192659.13651.20287@launchline.test",
                            "from":"hello@launchline.test","subject":"Confirm"},"size":111}}
                """.formatted(recipient), signingKey);
    }

    public static String temporaryFailure(String recipient, String signingKey) {
        return signed("""
                {"id":"Fs7-5t81S2ms-ZZ_1SZIcA","timestamp":1521233195.375624,"event":"failed","severity":"temporary",
                 "reason":"generic","delivery-status":{"code":452,"message":"4.2.2 Mailbox full"},"recipient":"%s"}
                """.formatted(recipient), signingKey);
    }

    public static String complaint(String recipient, String signingKey) {
        return signed("""
                {"id":"-Agny091SquKnsrW2NEKUA","timestamp":1521233123.501324,"log-level":"warn","event":"complained",
                 "envelope":{"sending-ip":"173.193.210.33"},"recipient":"%1$s","recipient-domain":"example.test",
                 "message":{"headers":{"to":"%1$s","message-id":"20110215055645.25246.63817@launchline.test",
                            "from":"hello@launchline.test","subject":"You're on the list"}}}
                """.formatted(recipient), signingKey);
    }

    /** Wraps event data in Mailgun's envelope with a fresh timestamp, token and signature. */
    public static String signed(String eventData, String signingKey) {
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        byte[] random = new byte[25];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        return "{\"signature\": {\"timestamp\": \"" + timestamp + "\", \"token\": \"" + token + "\", \"signature\": \""
                + hmac(signingKey, timestamp + token) + "\"}, \"event-data\": " + eventData + "}";
    }

    static String hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
