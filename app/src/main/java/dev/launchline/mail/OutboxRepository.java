package dev.launchline.mail;

import dev.launchline.db.FixedStatement;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.token.ThreadRandom;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.Record4;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
 *
 * <p>An email is 'pending' until a sender leases it ('sending', with locked_by and locked_until);
 * the sender then finishes it ('sent', 'dead', 'suppressed') or gives it back ('pending'), each
 * write only while the lease is still its own. A lease that ran out (its sender died) is taken
 * like a pending email.
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

    /**
     * Leases up to {@code limit} due emails to {@code sender} until {@code until}, in one statement:
     * they become 'sending' with the lease, so another sender (and a release before this one, whose
     * claim honours the same lease) passes them by until it runs out. The sender then marks each
     * one on its own as it goes ({@link #markSent} and the others), so a crash between SMTP's
     * "accepted" and the mark sends at most the one email in hand again; the rest of the dead
     * sender's lease waits for it to run out. SKIP LOCKED lets senders lease side by side without
     * waiting on each other.
     *
     * <p>Earlier this release claimed one email per transaction, row-locked while it was sent: a
     * claim, the "sent" update and a commit per email, the largest single cost of a signup on a
     * saturated machine (0.19 ms of PostgreSQL CPU per email, more than the signup's own work).
     * Leasing 20 at once and marking each in one round trip: 0.077 ms, for 145 bytes more WAL than
     * a lease that stays 'pending' (gatling/probes/sender_designs.sh; docs/performance.md).
     *
     * @param from only emails due at {@code from} or later: the walk along the due index starts
     *             there ({@link QueueHead} says why)
     * @return the leased emails, earliest due first
     */
    public List<ClaimedEmail> lease(int limit, OffsetDateTime from, OffsetDateTime until, String sender) {
        // Walk the due index in order, never a bitmap scan. Sent emails leave dead entries in it
        // until VACUUM (V14): an index scan marks each one dead the first time it passes it and
        // skips it from then on; a bitmap scan visits every one of them again at every claim. With
        // stale statistics (a fresh table in a launch spike) PostgreSQL chose the bitmap scan, and
        // a claim took 14 ms to find one email among 27,000 dead entries.
        OffsetDateTime now = now();
        List<ClaimedEmail> leased = new ArrayList<>(
                SETTINGS_THEN_LEASE.queryLast(db, OutboxRepository::claimed, now, from, now, limit, until, sender));
        leased.sort(EARLIEST_DUE); // RETURNING keeps no order
        return leased;
    }

    private static final Comparator<ClaimedEmail> EARLIEST_DUE = Comparator
            .comparing((ClaimedEmail claimed) -> claimed.email().getNextAttemptAt())
            .thenComparing(claimed -> claimed.email().getId());

    /*
     * The lease and the "sent" mark run for every email: fixed SQL over plain JDBC (FixedStatement),
     * outside any transaction of ours. Before each, in the same round trip, settings for its
     * transaction only: PgJDBC sends both statements before one Sync, and PostgreSQL runs what
     * comes before a Sync in one implicit transaction, planning the second statement after the
     * first has run. No bitmap scans (above), and a commit that does not wait for the disk
     * (OutboxWorker.deliverBatch says why that is safe for the sender's writes).
     */
    static final String SETTINGS =
            "select set_config('enable_bitmapscan', 'off', true), set_config('synchronous_commit', 'off', true)";

    /**
     * The lease (its plan is checked in tests); parameters: now, from, now, limit, until, sender.
     * It also reads the recipient's entry on the suppression list (V23), by the same hash
     * AddressHash computes (SHA-256 of the lower-cased address; the addresses we send to are
     * ASCII), so that the check every email needs costs no round trip of its own: as a query of
     * its own it was one more round trip per signup's confirmation, and the closed-loop signup
     * rate fell with it.
     */
    static final FixedStatement LEASE = new FixedStatement("""
            with due as (
                select o.id, s.reason as suppressed_for, s.updated_at as suppressed_since
                from outbox_email o
                left join email_suppression s
                       on s.address_hash = encode(sha256(convert_to(lower(o.recipient), 'UTF8')), 'hex')
                where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < ?))
                  and o.next_attempt_at >= ? and o.next_attempt_at <= ?
                order by o.next_attempt_at
                limit ?
                for update of o skip locked)
            update outbox_email o
            set status = 'sending', locked_until = ?, locked_by = ?
            from due
            where o.id = due.id
            returning o.id, o.message_id, o.kind, o.signup_id, o.sender, o.recipient, o.reply_to, o.subject,
                      o.text_body, o.html_body, o.unsubscribe_url, o.template_data, o.attempts, o.created_at,
                      o.next_attempt_at, due.suppressed_for, due.suppressed_since""");

    private static final FixedStatement SETTINGS_THEN_LEASE = new FixedStatement(SETTINGS + ";\n" + LEASE.sql());

    /** What the sender reads of a leased row, and its recipient's suppression-list entry. */
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

    /**
     * SMTP accepted it: marked sent at once, in one round trip, forgetting what it was rendered
     * from (V24). False when {@code sender} no longer
     * held its lease (it ran out and another sender took the email): then the email was, or will
     * be, sent twice, and the other sender's mark is the one that counts.
     */
    public boolean markSent(long id, String sender) {
        return !SETTINGS_THEN_MARK_SENT.queryLast(db, row -> row.getLong(1), now(), id, sender).isEmpty();
    }

    private static final FixedStatement SETTINGS_THEN_MARK_SENT = new FixedStatement(SETTINGS + ";\n" + """
            update outbox_email
            set status = 'sent', sent_at = ?, attempts = attempts + 1,
                locked_until = null, locked_by = null, last_error = null, template_data = null
            where id = ? and status = 'sending' and locked_by = ?
            returning id""");

    /** A delivery attempt failed: try again at {@code retryAt}, or give up ('dead') when null. */
    public void markFailed(long id, String sender, String error, OffsetDateTime retryAt) {
        db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, retryAt == null ? DEAD : PENDING)
                .set(OUTBOX_EMAIL.ATTEMPTS, OUTBOX_EMAIL.ATTEMPTS.plus(1))
                .set(OUTBOX_EMAIL.NEXT_ATTEMPT_AT, retryAt == null ? now() : retryAt)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(error))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.eq(id))
                .and(leasedTo(sender))
                .execute();
    }

    /** The recipient is suppressed: the email is finished without an attempt, with the reason kept. */
    public void markSuppressed(long id, String sender, String reason) {
        db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, SUPPRESSED)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(reason))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.eq(id))
                .and(leasedTo(sender))
                .execute();
    }

    /**
     * Puts leased emails off until {@code retryAt} without counting an attempt: the SMTP server
     * was unreachable (not the message's fault) or a sending ceiling holds them back.
     */
    public void postpone(Collection<Long> ids, String sender, OffsetDateTime retryAt, String reason) {
        if (ids.isEmpty()) {
            return;
        }
        db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, PENDING)
                .set(OUTBOX_EMAIL.NEXT_ATTEMPT_AT, retryAt)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(reason))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.in(ids))
                .and(leasedTo(sender))
                .execute();
    }

    /** Gives leased, unsent emails back as they were, due at once for any sender (shutting down). */
    public int handBack(Collection<Long> ids, String sender) {
        if (ids.isEmpty()) {
            return 0;
        }
        return db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, PENDING)
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.in(ids))
                .and(leasedTo(sender))
                .execute();
    }

    /** Lengthens {@code sender}'s lease on these emails; returns those it still held. */
    public List<Long> extendLease(Collection<Long> ids, String sender, OffsetDateTime until) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.LOCKED_UNTIL, until)
                .where(OUTBOX_EMAIL.ID.in(ids))
                .and(leasedTo(sender))
                .returning(OUTBOX_EMAIL.ID)
                .fetch(OUTBOX_EMAIL.ID);
    }

    /** Only while the lease is still this sender's: once it ran out, another sender may have the email. */
    private static Condition leasedTo(String sender) {
        return OUTBOX_EMAIL.STATUS.eq(SENDING).and(OUTBOX_EMAIL.LOCKED_BY.eq(sender));
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
