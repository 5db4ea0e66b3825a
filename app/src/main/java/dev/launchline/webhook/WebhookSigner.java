package dev.launchline.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Signs a delivery as the Standard Webhooks specification asks: HMAC-SHA256 over
 * {@code webhook-id + "." + webhook-timestamp + "." + body}, keyed with the base64 part of a
 * {@code whsec_} secret, sent as {@code v1,<base64>}. With several secrets (a rotation in
 * progress) it sends one signature per secret, space-separated, and a receiver that knows any of
 * them accepts the delivery.
 */
public final class WebhookSigner {
    static final String PREFIX = "whsec_";
    /** The specification's range for a secret's key. */
    static final int MIN_KEY_BYTES = 24;
    static final int MAX_KEY_BYTES = 64;

    private final List<SecretKeySpec> keys;

    private WebhookSigner(List<SecretKeySpec> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * Reads one or more space-separated {@code whsec_} secrets; empty when one is malformed (the
     * caller reports that without echoing the value).
     */
    public static Optional<WebhookSigner> parse(String secrets) {
        List<SecretKeySpec> keys = new ArrayList<>();
        for (String secret : secrets.strip().split("\\s+")) {
            if (!secret.startsWith(PREFIX)) {
                return Optional.empty();
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
            if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
                return Optional.empty();
            }
            keys.add(new SecretKeySpec(key, "HmacSHA256"));
        }
        return keys.isEmpty() ? Optional.empty() : Optional.of(new WebhookSigner(keys));
    }

    /** The webhook-signature header's value. */
    public String sign(String messageId, long timestampSeconds, String body) {
        byte[] content = (messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder();
        for (SecretKeySpec key : keys) {
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append("v1,").append(Base64.getEncoder().encodeToString(hmac(key, content)));
        }
        return header.toString();
    }

    private static byte[] hmac(SecretKeySpec key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(content);
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", unavailable);
        }
    }

    @Override
    public String toString() {
        return "WebhookSigner[" + keys.size() + " secret(s)]"; // never the keys
    }
}
