package dev.launchline.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.db.schema.tables.records.SignupRecord;
import org.jooq.DSLContext;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns what happened into webhook deliveries, queued in the caller's transaction: the event
 * exists exactly when the change does. An event nobody subscribed to costs nothing (no query);
 * one that endpoints hear costs one insert, however many they are. Payloads follow the Standard
 * Webhooks shape, {@code {"type", "timestamp", "data"}}; docs/webhooks.md lists each event's data.
 */
public final class WebhookEvents {
    /** A signup's event prepared for the statement that inserts the signup (see SignupRepository). */
    public record Prepared(String endpoints, String type, String payload) {
    }

    private final Map<WebhookEvent, Map<String, String>> endpointsByFunnel = new EnumMap<>(WebhookEvent.class);
    private final Map<WebhookEvent, List<WebhookEndpoint>> endpointsByEvent = new EnumMap<>(WebhookEvent.class);
    private final WebhookRepository repository;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;

    public WebhookEvents(List<WebhookEndpoint> endpoints, WebhookRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        for (WebhookEvent event : WebhookEvent.values()) {
            endpointsByEvent.put(event, endpoints.stream().filter(e -> e.events().contains(event)).toList());
            endpointsByFunnel.put(event, new ConcurrentHashMap<>()); // filled by request threads as funnels are seen
        }
    }

    /** The ids of the endpoints that hear {@code event} on the funnel {@code slug}, comma-separated. */
    Optional<String> endpoints(WebhookEvent event, String slug) {
        String ids = endpointsByFunnel.get(event).computeIfAbsent(slug, s -> endpointsByEvent.get(event).stream()
                .filter(endpoint -> endpoint.receives(event, s))
                .map(WebhookEndpoint::id)
                .collect(Collectors.joining(",")));
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids);
    }

    /** Whether any endpoint hears {@code event} anywhere: the signup path picks its statement by it. */
    public boolean anyoneHears(WebhookEvent event) {
        return !endpointsByEvent.get(event).isEmpty();
    }

    /** signup.created for a signup about to be inserted (its id already drawn); empty when nobody listens. */
    public Optional<Prepared> signupCreated(SignupRecord signup) {
        if (signup.getIsTest() != null && signup.getIsTest()) {
            return Optional.empty(); // smoke checks are not people
        }
        return endpoints(WebhookEvent.SIGNUP_CREATED, signup.getWaitlist())
                .map(ids -> new Prepared(ids, WebhookEvent.SIGNUP_CREATED.type(),
                        payload(WebhookEvent.SIGNUP_CREATED, WebhookPayloads.signup(signup))));
    }

    /** signup.created written in the caller's transaction (signups that take the transactional way). */
    public void signupCreated(DSLContext tx, SignupRecord signup) {
        signupCreated(signup).ifPresent(prepared ->
                repository.enqueue(tx, prepared.endpoints(), prepared.type(), signup.getId(), null, prepared.payload()));
    }

    public void signupConfirmed(DSLContext tx, SignupRecord signup) {
        queue(tx, WebhookEvent.SIGNUP_CONFIRMED, signup.getWaitlist(), signup.getId(), null,
                () -> WebhookPayloads.confirmed(signup));
    }

    /** The referrer {@code referrerId} was credited for {@code referee}, who just confirmed. */
    public void referralCredited(DSLContext tx, SignupRecord referee, long referrerId) {
        queue(tx, WebhookEvent.REFERRAL_CREDITED, referee.getWaitlist(), referee.getId(), null,
                () -> WebhookPayloads.referral(referee, referrerId));
    }

    public void inviteSent(DSLContext tx, SignupRecord signup, OffsetDateTime invitedAt) {
        queue(tx, WebhookEvent.INVITE_SENT, signup.getWaitlist(), signup.getId(), null,
                () -> WebhookPayloads.invited(signup, invitedAt));
    }

    public void unsubscribed(DSLContext tx, SignupRecord signup, OffsetDateTime at) {
        queue(tx, WebhookEvent.PERSON_UNSUBSCRIBED, signup.getWaitlist(), signup.getId(), null,
                () -> WebhookPayloads.unsubscribed(signup, at));
    }

    /**
     * person.erased: queued with no reference to the row (which the same transaction deletes, and
     * with it the person's other deliveries), and carrying no personal data, only the id that the
     * person's earlier events carried.
     */
    public void erased(DSLContext tx, String waitlist, long signupId) {
        queue(tx, WebhookEvent.PERSON_ERASED, waitlist, null, null, () -> WebhookPayloads.erased(waitlist, signupId, now()));
    }

    /** @param lead the event's data, built only when an endpoint hears it ({@link WebhookPayloads#lead}) */
    public void leadCreated(DSLContext tx, String form, long leadId, Supplier<Map<String, Object>> lead) {
        queue(tx, WebhookEvent.LEAD_CREATED, form, null, leadId, lead);
    }

    private void queue(DSLContext tx, WebhookEvent event, String slug, Long signupId, Long leadId,
                       Supplier<Map<String, Object>> data) {
        endpoints(event, slug).ifPresent(ids ->
                repository.enqueue(tx, ids, event.type(), signupId, leadId, payload(event, data.get())));
    }

    private String payload(WebhookEvent event, Map<String, Object> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", event.type());
        payload.put("timestamp", now().toString());
        payload.put("data", data);
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("maps of strings and numbers always serialise", impossible);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
