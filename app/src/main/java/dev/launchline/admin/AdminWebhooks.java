package dev.launchline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.http.ApiException;
import dev.launchline.webhook.WebhookEndpoint;
import dev.launchline.webhook.WebhookEvent;
import dev.launchline.webhook.WebhookRepository;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.launchline.db.schema.Tables.WEBHOOK_DELIVERY;

/** The admin API's view of the webhooks: endpoints, deliveries, replays (audited). */
public final class AdminWebhooks {
    private static final Logger log = LoggerFactory.getLogger(AdminWebhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An endpoint as configured (its URL without query or secrets), with its queue. */
    public record EndpointView(String id, String url, Set<String> events, Set<String> waitlists, Set<String> forms,
                               int pending, int dead) {
    }

    /** One delivery with what it sends. */
    public record DeliveryView(long id, String messageId, String endpoint, String eventType, String status,
                               int attempts, Integer lastStatus, String lastError, OffsetDateTime createdAt,
                               OffsetDateTime nextAttemptAt, OffsetDateTime deliveredAt, JsonNode payload) {
    }

    public record Replayed(int replayed) {
    }

    private final DSLContext db;
    private final List<WebhookEndpoint> endpoints;
    private final WebhookRepository deliveries;
    private final AuditRepository audit;
    private final Runnable queued;

    public AdminWebhooks(DSLContext db, List<WebhookEndpoint> endpoints, WebhookRepository deliveries,
                         AuditRepository audit, Runnable queued) {
        this.db = db;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.audit = audit;
        this.queued = queued;
    }

    public List<EndpointView> endpoints() {
        Map<String, WebhookRepository.Backlog> backlog = deliveries
                .backlog(endpoints.stream().map(WebhookEndpoint::id).toList()).stream()
                .collect(Collectors.toMap(WebhookRepository.Backlog::endpoint, b -> b));
        return endpoints.stream()
                .map(e -> new EndpointView(e.id(), e.url().getScheme() + "://" + e.url().getRawAuthority() + e.url().getRawPath(),
                        e.events().stream().map(WebhookEvent::type).collect(Collectors.toCollection(TreeSet::new)),
                        e.waitlists().orElse(null), e.forms().orElse(null),
                        backlog.get(e.id()).pending(), backlog.get(e.id()).dead()))
                .toList();
    }

    public Page<WebhookRepository.Delivery> page(Optional<String> status, Optional<String> endpoint,
                                                 Optional<Long> before, int limit) {
        return Page.of(deliveries.page(status, endpoint, before, limit + 1), limit, d -> d, WebhookRepository.Delivery::id);
    }

    public DeliveryView get(long id) {
        Record row = deliveries.byId(id).orElseThrow(() -> ApiException.notFound("This delivery"));
        return new DeliveryView(row.get(WEBHOOK_DELIVERY.ID), row.get(WEBHOOK_DELIVERY.MESSAGE_ID),
                row.get(WEBHOOK_DELIVERY.ENDPOINT), row.get(WEBHOOK_DELIVERY.EVENT_TYPE), row.get(WEBHOOK_DELIVERY.STATUS),
                row.get(WEBHOOK_DELIVERY.ATTEMPTS), row.get(WEBHOOK_DELIVERY.LAST_STATUS),
                row.get(WEBHOOK_DELIVERY.LAST_ERROR), row.get(WEBHOOK_DELIVERY.CREATED_AT),
                row.get(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT), row.get(WEBHOOK_DELIVERY.DELIVERED_AT),
                payload(row.get(WEBHOOK_DELIVERY.PAYLOAD).data()));
    }

    private static JsonNode payload(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException("the payload column holds JSON", impossible);
        }
    }

    /** Sends one delivery again, whatever its state, with its webhook-id. */
    public DeliveryView replay(long id, Actor actor) {
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!deliveries.replay(tx, id)) {
                throw ApiException.notFound("This delivery");
            }
            audit.record(tx, actor, "webhook.replay", "webhook_delivery:" + id);
        });
        queued.run();
        log.info("admin {} replayed webhook delivery {}", actor.tokenName(), id);
        return get(id);
    }

    /** Tries every dead delivery to one configured endpoint again. */
    public Replayed replayDead(String endpoint, Actor actor) {
        if (endpoints.stream().noneMatch(e -> e.id().equals(endpoint))) {
            throw ApiException.notFound("This webhook endpoint");
        }
        int replayed = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            int count = deliveries.replayDead(tx, endpoint);
            audit.record(tx, actor, "webhook.replay_dead", "webhook_endpoint:" + endpoint + " (" + count + ")");
            return count;
        });
        queued.run();
        log.info("admin {} replayed {} dead webhook deliveries to {}", actor.tokenName(), replayed, endpoint);
        return new Replayed(replayed);
    }
}
