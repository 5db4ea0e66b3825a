package dev.launchline.lead;

import dev.launchline.funnel.ContactForm;
import dev.launchline.email.EmailAddress;
import dev.launchline.funnel.Attribution;
import dev.launchline.http.Fields;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A validated contact-form submission: what POST /api/v1/forms/{slug}/submissions accepts. */
public record LeadRequest(
        EmailAddress email,
        Optional<String> name,
        Optional<String> company,
        String message,
        Map<String, String> customFields,
        Attribution attribution) {

    public static final int MAX_MESSAGE_LENGTH = 5000;
    private static final Set<String> STANDARD_FIELDS = Set.of("email", "name", "company", "message", "custom_fields");

    public static LeadRequest from(Fields fields, ContactForm form) {
        Set<String> known = new HashSet<>(STANDARD_FIELDS);
        known.addAll(Attribution.FIELDS);
        known.addAll(form.customFields());
        fields.rejectUnknown(known);

        String rawEmail = fields.requiredText("email", 320);
        Optional<EmailAddress> email = Optional.empty();
        if (rawEmail != null) {
            email = EmailAddress.parse(rawEmail, false);
            if (email.isEmpty()) {
                fields.problem("email", "must be a valid email address");
            }
        }
        Optional<String> name = fields.text("name", 200);
        Optional<String> company = fields.text("company", 200);
        String message = fields.multilineText("message", MAX_MESSAGE_LENGTH).orElse(null);
        if (message == null && !fields.hasProblem("message")) {
            fields.problem("message", "is required");
        }
        Map<String, String> custom = fields.customFields(form.customFields(), 500);
        Attribution attribution = Attribution.read(fields);
        fields.throwIfInvalid();
        return new LeadRequest(email.orElseThrow(), name, company, message, custom, attribution);
    }
}
