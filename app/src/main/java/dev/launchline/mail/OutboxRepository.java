package dev.launchline.mail;

import dev.launchline.db.FixedStatement;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.token.ThreadRandom;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.Record4;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectCount;

/**
 * The only code that reads or writes outbox_email, apart from a new signup's first email,
 * which SignupRepository#insertIfNewWithEmail writes in the signup's own statement.
 */
public final class OutboxRepository {
    public static final String PENDING = "pending";
    public static final String SENDING = "sending";
    public static final String SENT = "sent";
    public static final String DEAD = "dead";
    /** Never sent: the recipient is on the suppression list (V23). Final, like 'sent' and 'dead'. */
    public static final String SUPPRESSED = "suppressed";

    /** Undelivered mail, for readiness and metrics. */
    /** @param deadRecently of the dead, those given up on since the moment asked about */
    public record Backlog(int undelivered, Optional<OffsetDateTime> oldestCreatedAt, int dead, int deadRecently) {
    }

    private final DSLContext db;
    private final String messageIdDomain;
    private final Clock clock;

    public OutboxRepository(DSLContext db, String messageIdDomain, Clock clock) {
        this.db = db;
        this.messageIdDomain = messageIdDomain;
        this.clock = clock;
    }

    /** Queues an email inside the caller's transaction: it exists exactly when the lead does. */
    public void enqueue(DSLContext tx, OutgoingEmail email, Long signupId, Long leadId) {
        ENQUEUE.execute(tx,
                newMessageId(),
                email.kind(),
                signupId,
                leadId,
                email.sender(),
                email.recipient(),
                email.replyTo().orElse(null),
                email.subject(),
                email.textBody(),
                email.htmlBody(),
                email.unsubscribeUrl().orElse(null),
                email.templateData().orElse(null),
                now());
    }

    /** A Message-ID of ours: kept with the row, so a re-sent email is recognisably the same one. */
    public String newMessageId() {
        return "<" + ThreadRandom.uuid() + "@" + messageIdDomain + ">";
    }

    /* Fixed SQL over plain JDBC, as SignupRepository's insert: it runs once per signup and lead. */
    private static final FixedStatement ENQUEUE = new FixedStatement("""
            insert into outbox_email (message_id, kind, signup_id, lead_id, sender, recipient, reply_to,
                                      subject, text_body, html_body, unsubscribe_url, template_data, next_attempt_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)""");

    /** Runs {@code work} in one transaction: a batch's row locks last until it commits. */
    public <T> T inTransaction(Function<DSLContext, T> work) {
        return db.transactionResult(configuration -> work.apply(configuration.dsl()));
    }

    /**
     * Locks up to {@code limit} due emails for the caller's transaction, which sends them and
     * marks them before it commits. SKIP LOCKED lets several workers and instances take batches
     * side by side without waiting on or double-sending each other's rows. If the worker dies
     * mid-batch its transaction rolls back and the rows are due again at once.
     *
     * <p>Earlier releases claimed a batch by writing each row ('sending', a lease) and a second update
     * marked it sent: three versions of every outbox row, bodies included, and two commits per
     * batch (perf under wrk at 400/s: WAL writes and commit fsyncs were a third of PostgreSQL's
     * time). Rows such an older instance left 'sending' are taken once their lease ran out.
     */
    public List<ClaimedEmail> lockDue(DSLContext tx, int limit) {
        return lockDue(tx, limit, QueueHead.START);
    }

    /**
     * As {@link #lockDue(DSLContext, int)}, but only emails due at {@code from} or later: the walk
     * along the due index starts there ({@link QueueHead} says why).
     */
    public List<ClaimedEmail> lockDue(DSLContext tx, int limit, OffsetDateTime from) {
        // Walk the due index in order, never a bitmap scan. Sent emails leave dead entries in it
        // until VACUUM (V14): an index scan marks each one dead the first time it passes it and
        // skips it from then on; a bitmap scan visits every one of them again at every claim. With
        // stale statistics (a fresh table in a launch spike) PostgreSQL chose the bitmap scan, and
        // a claim took 14 ms to find one email among 27,000 dead entries.
        OffsetDateTime now = now();
        return SETTINGS_THEN_CLAIM.queryLast(tx, OutboxRepository::claimed, now, from, now, limit);
    }

    /*
     * The claim and the "sent" mark run for every email: fixed SQL over plain JDBC (FixedStatement).
     * Before the claim, in the same round trip (PgJDBC sends both statements together; PostgreSQL
     * plans the claim after the first has run), two settings for this transaction: no bitmap scans
     * (above), and a commit that does not wait for the disk (OutboxWorker.deliverBatch says why
     * that is safe for the sender's transactions). As a round trip of their own, the settings cost
     * every email one of its four round trips.
     */
    private static final String SETTINGS =
            "select set_config('enable_bitmapscan', 'off', true), set_config('synchronous_commit', 'off', true)";

    /**
     * The claim lockDue runs (its plan is checked in tests); parameters: now, from, now, limit. It also
     * reads the recipient's entry on the suppression list (V23), by the same hash AddressHash
     * computes (SHA-256 of the lower-cased address; the addresses we send to are ASCII), so that
     * the check every email needs costs no round trip of its own: as a query of its own it was one
     * more round trip per signup's confirmation, and the closed-loop signup rate fell with it.
     */
    static final FixedStatement CLAIM = new FixedStatement("""
            select o.id, o.message_id, o.kind, o.signup_id, o.sender, o.recipient, o.reply_to, o.subject,
                   o.text_body, o.html_body, o.unsubscribe_url, o.template_data, o.attempts, o.created_at, o.next_attempt_at,
                   s.reason as suppressed_for, s.updated_at as suppressed_since
            from outbox_email o
            left join email_suppression s
                   on s.address_hash = encode(sha256(convert_to(lower(o.recipient), 'UTF8')), 'hex')
            where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < ?))
              and o.next_attempt_at >= ? and o.next_attempt_at <= ?
            order by o.next_attempt_at
            limit ?
            for update of o skip locked""");

    private static final FixedStatement SETTINGS_THEN_CLAIM = new FixedStatement(SETTINGS + ";\n" + CLAIM.sql());

    /** What the sender reads of a claimed row, and its recipient's suppression-list entry. */
    private static ClaimedEmail claimed(ResultSet row) throws SQLException {
        OutboxEmailRecord email = new OutboxEmailRecord();
        email.setId(row.getLong("id"));
        email.setMessageId(row.getString("message_id"));
        email.setKind(row.getString("kind"));
        email.setSignupId(row.getObject("signup_id", Long.class));
        email.setSender(row.getString("sender"));
        email.setRecipient(row.getString("recipient"));
        email.setReplyTo(row.getString("reply_to"));
        email.setSubject(row.getString("subject"));
        email.setTextBody(row.getString("text_body"));
        email.setHtmlBody(row.getString("html_body"));
        email.setUnsubscribeUrl(row.getString("unsubscribe_url"));
        String templateData = row.getString("template_data");
        email.setTemplateData(templateData == null ? null : JSON.valueOf(templateData));
        email.setAttempts(row.getInt("attempts"));
        email.setCreatedAt(row.getObject("created_at", OffsetDateTime.class));
        email.setNextAttemptAt(row.getObject("next_attempt_at", OffsetDateTime.class));
        String suppressedFor = row.getString("suppressed_for");
        return new ClaimedEmail(email, suppressedFor == null ? Optional.empty()
                : Optional.of(new RecipientCheck.Listed(suppressedFor, row.getObject("suppressed_since", OffsetDateTime.class))));
    }

    /** SMTP accepted these: one statement for a whole batch. */
    public void markSent(DSLContext tx, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        MARK_SENT.execute(tx, now(), ids.toArray(Long[]::new));
    }

    /* One statement text whatever the batch's size (an IN list would make one per size). */
    private static final FixedStatement MARK_SENT = new FixedStatement("""
            update outbox_email
            set status = 'sent', sent_at = ?, attempts = attempts + 1,
                locked_until = null, locked_by = null, last_error = null
            where id = any(?)""");

    /** A delivery attempt failed: try again at {@code retryAt}, or give up ('dead') when null. */
    public void markFailed(DSLContext tx, long id, String error, OffsetDateTime retryAt) {
        tx.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, retryAt == null ? DEAD : PENDING)
                .set(OUTBOX_EMAIL.ATTEMPTS, OUTBOX_EMAIL.ATTEMPTS.plus(1))
                .set(OUTBOX_EMAIL.NEXT_ATTEMPT_AT, retryAt == null ? now() : retryAt)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(error))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.eq(id))
                .execute();
    }

    /** The recipient is suppressed: the email is finished without an attempt, with the reason kept. */
    public void markSuppressed(DSLContext tx, long id, String reason) {
        tx.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, SUPPRESSED)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(reason))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.eq(id))
                .execute();
    }

    /**
     * Puts locked rows off until {@code retryAt} without counting an attempt: the SMTP server
     * was unreachable (not the message's fault) or a sending ceiling holds them back.
     */
    public void postpone(DSLContext tx, Collection<Long> ids, OffsetDateTime retryAt, String reason) {
        if (ids.isEmpty()) {
            return;
        }
        tx.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, PENDING)
                .set(OUTBOX_EMAIL.NEXT_ATTEMPT_AT, retryAt)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(reason))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.in(ids))
                .execute();
    }

    /**
     * What waits and what was given up on, with the dead since {@code deadSince}: markFailed
     * stamps next_attempt_at with the moment of the dead-lettering.
     */
    public Backlog backlog(OffsetDateTime deadSince) {
        // One statement, so one snapshot: as separate queries, an email dead-lettered between them
        // was counted both undelivered and dead (LeadCaptureMetricsTest caught it on CI), or dead
        // recently but not dead (LeadCaptureHealthTest, also on CI). Each count comes from its
        // partial index: outbox_email_due_idx and outbox_email_dead_idx (V12).
        var undelivered = OUTBOX_EMAIL.STATUS.in(PENDING, SENDING);
        var dead = OUTBOX_EMAIL.STATUS.eq(DEAD);
        Record4<Integer, OffsetDateTime, Integer, Integer> counts = db
                .select(field(selectCount().from(OUTBOX_EMAIL).where(undelivered)),
                        field(select(min(OUTBOX_EMAIL.CREATED_AT)).from(OUTBOX_EMAIL).where(undelivered)),
                        field(selectCount().from(OUTBOX_EMAIL).where(dead)),
                        field(selectCount().from(OUTBOX_EMAIL).where(dead.and(OUTBOX_EMAIL.NEXT_ATTEMPT_AT.ge(deadSince)))))
                .fetchOne();
        return new Backlog(counts.value1(), Optional.ofNullable(counts.value2()), counts.value3(), counts.value4());
    }

    /** The newest mail of this kind for a signup (served by outbox_email_signup_idx), for the smoke check. */
    public Optional<OutboxEmailRecord> latestFor(long signupId, String kind) {
        return db.selectFrom(OUTBOX_EMAIL)
                .where(OUTBOX_EMAIL.SIGNUP_ID.eq(signupId))
                .and(OUTBOX_EMAIL.KIND.eq(kind))
                .orderBy(OUTBOX_EMAIL.ID.desc())
                .limit(1)
                .fetchOptional();
    }

    /** When an email last left: the newest sent_at (index outbox_email_sent_at_idx), empty before the first. */
    public Optional<OffsetDateTime> lastSentAt() {
        return Optional.ofNullable(db
                .select(max(OUTBOX_EMAIL.SENT_AT))
                .from(OUTBOX_EMAIL)
                .fetchOne(0, OffsetDateTime.class));
    }

    public OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String truncate(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= 2000 ? text : text.substring(0, 2000);
    }
}
