package dev.launchline.suppression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.http.ApiException;

import java.util.Optional;

/**
 * An Amazon SNS message as POSTed to an HTTP(S) subscriber, with the string SNS signed: the
 * fields in byte order of their names, each as "Name\nvalue\n", Subject only when present
 * (Notification) and SubscribeURL and Token for the confirmations.
 */
record SnsMessage(String type, String messageId, String topicArn, Optional<String> subject, String message,
                  String timestamp, String signatureVersion, String signature, String signingCertUrl,
                  Optional<String> subscribeUrl, Optional<String> token) {

    static final String NOTIFICATION = "Notification";
    static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    static SnsMessage parse(JsonNode body) {
        String type = required(body, "Type");
        boolean confirmation = type.equals(SUBSCRIPTION_CONFIRMATION) || type.equals(UNSUBSCRIBE_CONFIRMATION);
        if (!confirmation && !type.equals(NOTIFICATION)) {
            throw malformed("Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation.");
        }
        if (optional(body, "Signature").isEmpty() || optional(body, "SignatureVersion").isEmpty()
                || optional(body, "SigningCertURL").isEmpty()) {
            throw new ApiException(403, "signature_invalid", "The message is not signed.");
        }
        return new SnsMessage(type, required(body, "MessageId"), required(body, "TopicArn"),
                optional(body, "Subject"), required(body, "Message"), required(body, "Timestamp"),
                required(body, "SignatureVersion"), required(body, "Signature"), required(body, "SigningCertURL"),
                confirmation ? Optional.of(required(body, "SubscribeURL")) : Optional.empty(),
                confirmation ? Optional.of(required(body, "Token")) : Optional.empty());
    }

    String stringToSign() {
        StringBuilder signed = new StringBuilder();
        line(signed, "Message", message);
        line(signed, "MessageId", messageId);
        if (type.equals(NOTIFICATION)) {
            subject.ifPresent(value -> line(signed, "Subject", value));
        } else {
            line(signed, "SubscribeURL", subscribeUrl.orElseThrow());
        }
        line(signed, "Timestamp", timestamp);
        token.ifPresent(value -> line(signed, "Token", value));
        line(signed, "TopicArn", topicArn);
        line(signed, "Type", type);
        return signed.toString();
    }

    private static void line(StringBuilder signed, String name, String value) {
        signed.append(name).append('\n').append(value).append('\n');
    }

    private static String required(JsonNode body, String name) {
        return optional(body, name).orElseThrow(() -> malformed(name + " is missing or not a string."));
    }

    private static Optional<String> optional(JsonNode body, String name) {
        JsonNode value = body.get(name);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    static ApiException malformed(String why) {
        return new ApiException(400, "malformed_notification", "Not an Amazon SNS message: " + why);
    }
}
