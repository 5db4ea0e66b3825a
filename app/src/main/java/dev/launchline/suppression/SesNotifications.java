package dev.launchline.suppression;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What an Amazon SES notification (the Message of an SNS Notification) asks us to suppress. SES
 * sends "notificationType" from identity notifications and "eventType" from configuration-set
 * event publishing; both are read. Only a Permanent bounce suppresses: a Transient one (mailbox
 * full, out of office) and an Undetermined one say nothing lasting about the address. Deliveries
 * and other events are acknowledged and ignored.
 */
final class SesNotifications {
    private SesNotifications() {
    }

    static List<SuppressionEvent> events(JsonNode notification) {
        String type = text(notification, "notificationType", text(notification, "eventType", ""));
        List<SuppressionEvent> events = new ArrayList<>();
        if (type.equals("Bounce")) {
            JsonNode bounce = notification.path("bounce");
            if (!text(bounce, "bounceType", "").equals("Permanent")) {
                return List.of();
            }
            String kind = "Permanent/" + text(bounce, "bounceSubType", "General");
            for (JsonNode recipient : bounce.path("bouncedRecipients")) {
                address(recipient).ifPresent(address -> events.add(new SuppressionEvent(address,
                        SuppressionEvent.Reason.HARD_BOUNCE, SuppressionEvent.Source.SES,
                        join(kind, text(recipient, "status", null), text(recipient, "diagnosticCode", null)))));
            }
        } else if (type.equals("Complaint")) {
            JsonNode complaint = notification.path("complaint");
            String feedback = text(complaint, "complaintFeedbackType", null);
            for (JsonNode recipient : complaint.path("complainedRecipients")) {
                address(recipient).ifPresent(address -> events.add(new SuppressionEvent(address,
                        SuppressionEvent.Reason.COMPLAINT, SuppressionEvent.Source.SES,
                        join("Complaint", feedback, null))));
            }
        }
        return events;
    }

    private static java.util.Optional<String> address(JsonNode recipient) {
        String address = text(recipient, "emailAddress", "");
        // SES may report "Jane <jane@example.com>": the address is what is inside the brackets
        int open = address.lastIndexOf('<');
        if (open >= 0 && address.endsWith(">")) {
            address = address.substring(open + 1, address.length() - 1);
        }
        return address.contains("@") && address.length() <= 320 ? java.util.Optional.of(address) : java.util.Optional.empty();
    }

    private static String join(String first, String second, String third) {
        StringBuilder detail = new StringBuilder(first);
        if (second != null) {
            detail.append(' ').append(second);
        }
        if (third != null) {
            detail.append(": ").append(third);
        }
        return detail.toString();
    }

    private static String text(JsonNode node, String name, String fallback) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() ? value.asText() : fallback;
    }
}
