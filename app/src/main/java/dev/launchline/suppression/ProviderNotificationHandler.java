package dev.launchline.suppression;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.http.ApiException;
import dev.launchline.http.RequestBody;
import dev.launchline.http.Routes;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bounces and complaints from the mail providers: Amazon SES through SNS, and Mailgun. Nothing is
 * stored unless the message is verified as the provider's; a message that is not is a 4xx in the
 * standard error shape. Public routes: the signatures are the authentication.
 */
public final class ProviderNotificationHandler {
    /** SNS messages may be up to 256 KB; SES bounce notifications with headers come close to 16 KB. */
    private static final int MAX_BYTES = 256 * 1024 + 4096;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build());

    private final SuppressionList suppressions;
    private final Optional<SnsVerifier> sns;
    private final Optional<MailgunWebhook> mailgun;

    public ProviderNotificationHandler(SuppressionList suppressions, SuppressionSettings settings) {
        this.suppressions = suppressions;
        this.sns = settings.sesTopicArns().isEmpty() ? Optional.empty()
                : Optional.of(new SnsVerifier(settings.sesTopicArns(), settings.snsHostPattern(), settings.allowPlainHttp()));
        this.mailgun = settings.mailgunSigningKey().map(MailgunWebhook::new);
    }

    /** POST /api/v1/providers/ses/notifications */
    public void ses(Context ctx) {
        SnsVerifier verifier = sns.orElseThrow(() -> ApiException.notFound("The SES endpoint (SES_SNS_TOPIC_ARNS unset)"));
        SnsMessage message = SnsMessage.parse(object(ctx));
        verifier.verify(message);
        int suppressed = 0;
        switch (message.type()) {
            case SnsMessage.SUBSCRIPTION_CONFIRMATION -> verifier.confirm(message);
            case SnsMessage.NOTIFICATION -> suppressed = suppressions.record(SesNotifications.events(sesNotification(message)));
            default -> { } // UnsubscribeConfirmation: nothing to do; resubscribing is the operator's call
        }
        ctx.json(Map.of("suppressed", suppressed));
    }

    /** POST /api/v1/providers/mailgun/events */
    public void mailgun(Context ctx) {
        MailgunWebhook webhook = mailgun.orElseThrow(() -> ApiException.notFound("The Mailgun endpoint (MAILGUN_WEBHOOK_SIGNING_KEY unset)"));
        List<SuppressionEvent> events = webhook.verifiedEvents(object(ctx));
        ctx.json(Map.of("suppressed", suppressions.record(events)));
    }

    private static JsonNode sesNotification(SnsMessage message) {
        try {
            JsonNode notification = JSON.readTree(message.message());
            if (notification == null || !notification.isObject()) {
                throw SnsMessage.malformed("Message is not an SES notification.");
            }
            return notification;
        } catch (IOException malformed) {
            throw SnsMessage.malformed("Message is not an SES notification.");
        }
    }

    private static JsonNode object(Context ctx) {
        try {
            JsonNode body = JSON.readTree(RequestBody.bytes(ctx, MAX_BYTES)); // a limit of its own: 16 KB is for funnel forms
            if (body == null || !body.isObject()) {
                throw new ApiException(400, "malformed_json", "The body must be a JSON object.");
            }
            return body;
        } catch (IOException malformed) {
            throw new ApiException(400, "malformed_json", "The body is not valid JSON.");
        }
    }

    public Routes routes() {
        return routes -> routes
                .post("/api/v1/providers/ses/notifications", this::ses)
                .post("/api/v1/providers/mailgun/events", this::mailgun);
    }
}
