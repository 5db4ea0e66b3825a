package dev.launchline.suppression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.config.Secret;
import dev.launchline.http.ApiException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A Mailgun webhook (the JSON form: {"signature": {...}, "event-data": {...}}), verified as Mailgun
 * documents: the signature is the hex HMAC-SHA256 of timestamp followed by token, keyed with the
 * account's HTTP webhook signing key, compared in constant time. A permanent "failed" event is a
 * hard bounce, "complained" a complaint; temporary failures and other events are acknowledged
 * and ignored. No freshness window: Mailgun retries a webhook for hours, and a replayed bounce
 * only suppresses again what was suppressed.
 */
final class MailgunWebhook {
    private final Secret signingKey;

    MailgunWebhook(Secret signingKey) {
        this.signingKey = signingKey;
    }

    List<SuppressionEvent> verifiedEvents(JsonNode body) {
        JsonNode signature = body.path("signature");
        String timestamp = text(signature, "timestamp");
        String token = text(signature, "token");
        String given = text(signature, "signature");
        if (timestamp.isEmpty() || token.isEmpty() || given.isEmpty()) {
            throw new ApiException(403, "signature_invalid", "The webhook carries no Mailgun signature.");
        }
        if (!MessageDigest.isEqual(expected(timestamp + token), given.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(403, "signature_invalid", "The signature does not match the webhook.");
        }
        JsonNode event = body.path("event-data");
        if (!event.isObject()) {
            throw new ApiException(400, "malformed_notification", "Not a Mailgun webhook: event-data is missing.");
        }
        String recipient = text(event, "recipient");
        if (!recipient.contains("@") || recipient.length() > 320) {
            return List.of();
        }
        return switch (text(event, "event")) {
            case "failed" -> text(event, "severity").equals("permanent")
                    ? List.of(new SuppressionEvent(recipient, SuppressionEvent.Reason.HARD_BOUNCE, SuppressionEvent.Source.MAILGUN,
                    bounceDetail(event)))
                    : List.of();
            case "complained" -> List.of(new SuppressionEvent(recipient, SuppressionEvent.Reason.COMPLAINT,
                    SuppressionEvent.Source.MAILGUN, "Complaint"));
            default -> List.of();
        };
    }

    private static String bounceDetail(JsonNode event) {
        JsonNode status = event.path("delivery-status");
        String code = status.path("code").isNumber() ? status.path("code").asText() : "";
        String message = text(status, "message").isEmpty() ? text(status, "description") : text(status, "message");
        return ("Permanent/" + (text(event, "reason").isEmpty() ? "failed" : text(event, "reason"))
                + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message));
    }

    private byte[] expected(String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.revealBytes(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible); // every JVM has HmacSHA256
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isValueNode() ? value.asText() : "";
    }
}
