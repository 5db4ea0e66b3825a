package dev.launchline.webhook;

import dev.launchline.db.FixedStatement;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.WEBHOOK_DELIVERY;
import static org.jooq.impl.DSL.count;

/**
 * The only code that reads or writes webhook_delivery, apart from a new signup's own statement
 * (SignupRepository), which writes its signup.created deliveries with the same columns as {@link #ENQUEUE}.
 */
public final class WebhookRepository {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String DEAD = "dead";

    /** A delivery a sender has taken: what it needs to send it. */
    public record Claimed(long id, String messageId, String endpoint, String eventType, String payload, int attempts) {
    }

    /** One row as the admin API shows it. */
    public record Delivery(long id, String messageId, String endpoint, String eventType, String status, int attempts,
                           Integer lastStatus, String lastError, OffsetDateTime createdAt, OffsetDateTime nextAttemptAt,
                           OffsetDateTime deliveredAt) {
    }

    /** Per endpoint, what waits and what was given up on. */
    public record Backlog(String endpoint, int pending, int dead) {
    }

    private final DSLContext db;
    private final Clock clock;

    public WebhookRepository(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Queues one event for each of {@code endpoints} (comma-separated ids) in the caller's
     * transaction: one insert, however many endpoints hear it. Each delivery gets its own
     * webhook-id, drawn by PostgreSQL.
     */
    public void enqueue(DSLContext tx, String endpoints, String eventType, Long signupId, Long leadId, String payload) {
        OffsetDateTime now = now();
        ENQUEUE.execute(tx, eventType, signupId, leadId, payload, now, now, endpoints);
    }

    /* Fixed SQL (FixedStatement): it runs with every confirmation and lead while an endpoint listens. */
    private static final FixedStatement ENQUEUE = new FixedStatement("""
            insert into webhook_delivery (message_id, endpoint, event_type, signup_id, lead_id, payload,
                                          created_at, next_attempt_at)
            select 'msg_' || replace(cast(gen_random_uuid() as text), '-', ''), endpoint, ?, ?, ?, cast(? as jsonb), ?, ?
            from unnest(string_to_array(?, ',')) as endpoint""");

    /**
     * Takes the oldest due delivery to an endpoint not in {@code busy} (comma-separated ids), and
     * leases it until {@code leaseUntil}: its next_attempt_at moves there, so another sender skips
     * it meanwhile and, should this one die mid-delivery, takes it once the lease has run out.
     * SKIP LOCKED: senders side by side (and instances) never wait for each other's rows.
     */
    public Optional<Claimed> claim(String busy, OffsetDateTime leaseUntil) {
        OffsetDateTime now = now();
        List<Claimed> claimed = CLAIM.query(db, WebhookRepository::claimed, leaseUntil, now, busy);
        return claimed.stream().findFirst();
    }

    static final FixedStatement CLAIM = new FixedStatement("""
            update webhook_delivery
            set next_attempt_at = ?
            where id = (select id
                        from webhook_delivery
                        where status = 'pending'
                          and next_attempt_at <= ?
                          and endpoint <> all(string_to_array(?, ','))
                        order by next_attempt_at
                        limit 1
                        for update skip locked)
            returning id, message_id, endpoint, event_type, cast(payload as text) as payload, attempts""");

    private static Claimed claimed(ResultSet row) throws SQLException {
        return new Claimed(row.getLong("id"), row.getString("message_id"), row.getString("endpoint"),
                row.getString("event_type"), row.getString("payload"), row.getInt("attempts"));
    }

    public void markDelivered(long id, int httpStatus) {
        db.update(WEBHOOK_DELIVERY)
                .set(WEBHOOK_DELIVERY.STATUS, DELIVERED)
                .set(WEBHOOK_DELIVERY.ATTEMPTS, WEBHOOK_DELIVERY.ATTEMPTS.plus(1))
                .set(WEBHOOK_DELIVERY.LAST_STATUS, httpStatus)
                .setNull(WEBHOOK_DELIVERY.LAST_ERROR)
                .set(WEBHOOK_DELIVERY.DELIVERED_AT, now())
                .where(WEBHOOK_DELIVERY.ID.eq(id))
                .execute();
    }

    /** A failed attempt: due again at {@code retryAt}, or given up on ('dead') when that is empty. */
    public void markFailed(long id, Integer httpStatus, String error, Optional<OffsetDateTime> retryAt) {
        db.update(WEBHOOK_DELIVERY)
                .set(WEBHOOK_DELIVERY.STATUS, retryAt.isPresent() ? PENDING : DEAD)
                .set(WEBHOOK_DELIVERY.ATTEMPTS, WEBHOOK_DELIVERY.ATTEMPTS.plus(1))
                .set(WEBHOOK_DELIVERY.LAST_STATUS, httpStatus)
                .set(WEBHOOK_DELIVERY.LAST_ERROR, error.length() <= 500 ? error : error.substring(0, 500))
                .set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, retryAt.orElseGet(this::now))
                .where(WEBHOOK_DELIVERY.ID.eq(id))
                .execute();
    }

    /** Newest first, below {@code before} (an id) when given; filtered by status and endpoint when given. */
    public List<Delivery> page(Optional<String> status, Optional<String> endpoint, Optional<Long> before, int limit) {
        return db.select(WEBHOOK_DELIVERY.ID, WEBHOOK_DELIVERY.MESSAGE_ID, WEBHOOK_DELIVERY.ENDPOINT,
                        WEBHOOK_DELIVERY.EVENT_TYPE, WEBHOOK_DELIVERY.STATUS, WEBHOOK_DELIVERY.ATTEMPTS,
                        WEBHOOK_DELIVERY.LAST_STATUS, WEBHOOK_DELIVERY.LAST_ERROR, WEBHOOK_DELIVERY.CREATED_AT,
                        WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, WEBHOOK_DELIVERY.DELIVERED_AT)
                .from(WEBHOOK_DELIVERY)
                .where(status.map(WEBHOOK_DELIVERY.STATUS::eq).orElse(DSL.noCondition()))
                .and(endpoint.map(WEBHOOK_DELIVERY.ENDPOINT::eq).orElse(DSL.noCondition()))
                .and(before.map(WEBHOOK_DELIVERY.ID::lt).orElse(DSL.noCondition()))
                .orderBy(WEBHOOK_DELIVERY.ID.desc())
                .limit(limit)
                .fetch(row -> new Delivery(row.value1(), row.value2(), row.value3(), row.value4(), row.value5(),
                        row.value6(), row.value7(), row.value8(), row.value9(), row.value10(), row.value11()));
    }

    /** One delivery with the payload it sends (the payload as JSON text). */
    public Optional<Record> byId(long id) {
        return db.select(WEBHOOK_DELIVERY.asterisk())
                .from(WEBHOOK_DELIVERY)
                .where(WEBHOOK_DELIVERY.ID.eq(id))
                .fetchOptional();
    }

    /**
     * Makes a delivery due now with a fresh count of attempts, whatever its state: a dead one is
     * tried again, a delivered one is sent again (same webhook-id: a receiver that has it drops it).
     */
    public boolean replay(DSLContext tx, long id) {
        return tx.update(WEBHOOK_DELIVERY)
                .set(WEBHOOK_DELIVERY.STATUS, PENDING)
                .set(WEBHOOK_DELIVERY.ATTEMPTS, 0)
                .set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, now())
                .setNull(WEBHOOK_DELIVERY.DELIVERED_AT)
                .where(WEBHOOK_DELIVERY.ID.eq(id))
                .execute() == 1;
    }

    /** Replays every dead delivery to one endpoint (served by webhook_delivery_dead_idx); returns how many. */
    public int replayDead(DSLContext tx, String endpoint) {
        return tx.update(WEBHOOK_DELIVERY)
                .set(WEBHOOK_DELIVERY.STATUS, PENDING)
                .set(WEBHOOK_DELIVERY.ATTEMPTS, 0)
                .set(WEBHOOK_DELIVERY.NEXT_ATTEMPT_AT, now())
                .where(WEBHOOK_DELIVERY.STATUS.eq(DEAD))
                .and(WEBHOOK_DELIVERY.ENDPOINT.eq(endpoint))
                .execute();
    }

    /**
     * Deletes up to {@code limit} deliveries delivered before {@code cutoff}, payloads and all;
     * returns how many. Small batches keep each delete's locks and WAL short.
     */
    public int deleteDeliveredBefore(OffsetDateTime cutoff, int limit) {
        var batch = db.select(WEBHOOK_DELIVERY.ID)
                .from(WEBHOOK_DELIVERY)
                .where(WEBHOOK_DELIVERY.STATUS.eq(DELIVERED))
                .and(WEBHOOK_DELIVERY.DELIVERED_AT.lt(cutoff))
                .limit(limit);
        return db.deleteFrom(WEBHOOK_DELIVERY)
                .where(WEBHOOK_DELIVERY.ID.in(batch))
                .execute();
    }

    /** Pending and dead deliveries per endpoint, from the partial indexes. */
    public List<Backlog> backlog(Collection<String> endpoints) {
        var pending = WEBHOOK_DELIVERY.STATUS.eq(PENDING);
        var dead = WEBHOOK_DELIVERY.STATUS.eq(DEAD);
        var counts = db.select(WEBHOOK_DELIVERY.ENDPOINT, count().filterWhere(pending), count().filterWhere(dead))
                .from(WEBHOOK_DELIVERY)
                .where(WEBHOOK_DELIVERY.STATUS.in(PENDING, DEAD))
                .groupBy(WEBHOOK_DELIVERY.ENDPOINT)
                .fetchMap(WEBHOOK_DELIVERY.ENDPOINT);
        return endpoints.stream()
                .map(endpoint -> Optional.ofNullable(counts.get(endpoint))
                        .map(row -> new Backlog(endpoint, row.value2(), row.value3()))
                        .orElse(new Backlog(endpoint, 0, 0)))
                .toList();
    }

    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
