package dev.launchline.lead;

import dev.launchline.funnel.ContactForm;
import dev.launchline.mail.EmailTemplates;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.mail.OutgoingEmail;
import dev.launchline.metrics.FunnelMetrics;
import dev.launchline.webhook.WebhookEvents;
import dev.launchline.webhook.WebhookPayloads;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Stores a contact-form lead and, in the same transaction, queues the notification to the
 * form's recipients (reply-to: the lead) and the acknowledgement to the lead.
 */
public final class LeadService {
    private static final Logger log = LoggerFactory.getLogger(LeadService.class);
    public static final String NOTIFICATION = "lead_notification";
    public static final String ACKNOWLEDGEMENT = "lead_acknowledgement";

    private final DSLContext db;
    private final WebhookEvents webhooks;
    private final LeadRepository leads;
    private final OutboxRepository outbox;
    private final EmailTemplates templates;
    private final String sender;
    private final Runnable mailQueued;
    private final Clock clock;
    private final FunnelMetrics metrics;

    public LeadService(DSLContext db, LeadRepository leads, OutboxRepository outbox, EmailTemplates templates,
                       String sender, Runnable mailQueued, Clock clock, FunnelMetrics metrics, WebhookEvents webhooks) {
        this.webhooks = webhooks;
        this.db = db;
        this.leads = leads;
        this.outbox = outbox;
        this.templates = templates;
        this.sender = sender;
        this.mailQueued = mailQueued;
        this.clock = clock;
        this.metrics = metrics;
    }

    public void submit(ContactForm form, LeadRequest request) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        boolean stored = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Optional<Long> id = leads.insertIfNew(tx, form.slug(), request, dedupeKey(form, request, now), now);
            if (id.isEmpty()) {
                log.info("duplicate submission to form {} ignored", form.slug());
                return false;
            }
            Map<String, Object> data = templateData(form, request);
            EmailTemplates.Rendered notification = templates.render(form.slug(), NOTIFICATION, data);
            for (String recipient : form.recipients()) {
                outbox.enqueue(tx, new OutgoingEmail(NOTIFICATION, sender, recipient,
                        Optional.of(request.email().address()), notification.subject(), notification.text(),
                        notification.html(), Optional.empty()), null, id.get());
            }
            if (form.acknowledge()) {
                EmailTemplates.Rendered ack = templates.render(form.slug(), ACKNOWLEDGEMENT, data);
                outbox.enqueue(tx, new OutgoingEmail(ACKNOWLEDGEMENT, sender, request.email().address(),
                        Optional.empty(), ack.subject(), ack.text(), ack.html(), Optional.empty()), null, id.get());
            }
            webhooks.leadCreated(tx, form.slug(), id.get(), () -> WebhookPayloads.lead(id.get(), form.slug(),
                    request.email().address(), request.name().orElse(null), request.company().orElse(null),
                    request.message(), request.customFields(), now));
            log.info("lead {} received on form {}", id.get(), form.slug());
            return true;
        });
        if (stored) {
            mailQueued.run();
            metrics.leadReceived(form.slug());
        }
    }

    private static Map<String, Object> templateData(ContactForm form, LeadRequest request) {
        Map<String, Object> data = new HashMap<>();
        data.put("form_name", form.name());
        data.put("email", request.email().address());
        data.put("name", request.name().orElse(null));
        data.put("company", request.company().orElse(null));
        data.put("message", request.message());
        data.put("custom_fields", request.customFields().entrySet().stream()
                .map(entry -> Map.of("name", entry.getKey(), "value", entry.getValue())).toList());
        data.put("utm_source", request.attribution().utmSource().orElse(null));
        data.put("utm_campaign", request.attribution().utmCampaign().orElse(null));
        return data;
    }

    /** Same person, same message, same UTC day: one lead, however often it is posted. */
    private static String dedupeKey(ContactForm form, LeadRequest request, OffsetDateTime now) {
        String identity = form.slug() + "\n" + request.email().key() + "\n" + request.message() + "\n"
                + now.toLocalDate();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
