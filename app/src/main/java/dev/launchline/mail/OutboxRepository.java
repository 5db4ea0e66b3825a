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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * <p>An email is 'pending' until a sender finishes it ('sent', 'dead', 'suppressed') or puts it
 * off; while a sender works on it, the sender's transaction holds it ({@link #holdDue}). 'sending'
 * with a lease (locked_until) is how earlier releases held an email; one whose lease ran out is
 * taken like a pending one.
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
     * Holds up to {@code limit} due emails for as long as {@code work} runs, and gives it them,
     * earliest due first. They are held by the transaction {@code work} runs in, which writes
     * nothing: a row lock (FOR KEY SHARE) and an advisory lock per email. The sender marks each
     * email on its own meanwhile ({@link #markSent} and the others, over other pooled connections,
     * each committing at once), so a crash between SMTP's "accepted" and the mark sends at most
     * the one email in hand again. When the transaction ends, however it ends (the sender finished,
     * stopped, or died with its connection), what it held and did not mark is due again at once.
     *
     * <p>Why two locks. The advisory lock keeps this release's senders apart: a key-share lock does
     * not conflict with another, so two senders could hold the same email. The key-share lock keeps
     * the previous release's senders away: their claim (FOR UPDATE SKIP LOCKED) skips a row
     * locked so, which matters in a rolling deploy or a rollback. And a key-share lock is the one
     * row lock the "sent" update, which changes no key, does not wait for.
     *
     * <p>Before, the sender claimed one email per transaction and held its row lock while it sent
     * it: a claim, the "sent" update and a commit per email, 0.19–0.27 ms of PostgreSQL CPU per
     * email, more than a signup's own work. Then it leased a batch ('sending', locked_until) in one
     * statement: 0.11 ms, but a second row version per email, 0.6 KB more WAL per signup
     * (docs/performance.md, issue 23).
     *
     * @param from only emails due at {@code from} or later: the walk along the due index starts
     *             there ({@link QueueHead} says why)
     */
    public <T> T holdDue(int limit, OffsetDateTime from, Function<List<ClaimedEmail>, T> work) {
        return db.transactionResult(configuration -> {
            // Walk the due index in order, never a bitmap scan. Sent emails leave dead entries in
            // it until VACUUM (V14): an index scan marks each one dead the first time it passes it
            // and skips it from then on; a bitmap scan visits every one of them again at every
            // claim. With stale statistics (a fresh table in a launch spike) PostgreSQL chose the
            // bitmap scan, and a claim took 14 ms to find one email among 27,000 dead entries.
            OffsetDateTime now = now();
            List<ClaimedEmail> claimed = SETTINGS_THEN_CLAIM.queryLast(configuration.dsl(),
                    OutboxRepository::claimed, now, from, now, limit);
            if (claimed.isEmpty()) {
                return work.apply(claimed); // an idle poll: no second round trip
            }
            // The claim read the rows as of its start. An email another sender marked sent after
            // that and let go of before the claim reached it is locked all the same: a key-share
            // lock does not conflict with an update that leaves the key alone, so PostgreSQL does
            // not look at the newer version. Read again, now that the locks keep everyone else
            // off: the rolling-restart drill sent such emails twice (1 run in 5).
            Set<Long> stillDue = new HashSet<>(STILL_DUE.query(configuration.dsl(), row -> row.getLong(1),
                    claimed.stream().map(email -> email.email().getId()).toArray(Long[]::new), now));
            // in the claim's order, earliest due first
            return work.apply(claimed.stream().filter(email -> stillDue.contains(email.email().getId())).toList());
        });
    }

    /*
     * The claim and the "sent" mark run for every email: fixed SQL over plain JDBC (FixedStatement).
     * Before each, in the same round trip, settings for its transaction only: PgJDBC sends both
     * statements before one Sync, and PostgreSQL runs what comes before a Sync in one transaction
     * (the claim's own, or an implicit one for a mark), planning the second statement after the
     * first has run. No bitmap scans (above), and a commit that does not wait for the disk
     * (OutboxWorker.deliverBatch says why that is safe for the sender's writes).
     */
    static final String SETTINGS =
            "select set_config('enable_bitmapscan', 'off', true), set_config('synchronous_commit', 'off', true)";

    /** The advisory locks' first key: the outbox's own space, whatever else takes advisory locks. */
    static final int ADVISORY_LOCK_SPACE = 0x0B0C5E;

    /**
     * The claim (its plan is checked in tests); parameters: now, from, now, limit. The advisory
     * lock is taken row by row as the walk along the due index finds due emails, so only those
     * the claim returns are held (and, until the transaction ends, any the row lock then skips).
     * Ids past 2^31 share keys with smaller ones: at worst such a pair waits a batch for each other.
     * It also reads the recipient's entry on the suppression list (V23), by the same hash
     * AddressHash computes (SHA-256 of the lower-cased address; the addresses we send to are
     * ASCII), so that the check every email needs costs no round trip of its own: as a query of
     * its own it was one more round trip per signup's confirmation, and the closed-loop signup
     * rate fell with it.
     */
    static final FixedStatement CLAIM = new FixedStatement("""
            select o.id, o.message_id, o.kind, o.signup_id, o.sender, o.recipient, o.reply_to, o.subject,
                   o.text_body, o.html_body, o.unsubscribe_url, o.template_data, o.attempts, o.created_at,
                   o.next_attempt_at, s.reason as suppressed_for, s.updated_at as suppressed_since
            from outbox_email o
            left join email_suppression s
                   on s.address_hash = encode(sha256(convert_to(lower(o.recipient), 'UTF8')), 'hex')
            where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < ?))
              and o.next_attempt_at >= ? and o.next_attempt_at <= ?
              and pg_try_advisory_xact_lock(%d, (o.id %% 2147483647)::int)
            order by o.next_attempt_at
            limit ?
            for key share of o skip locked""".formatted(ADVISORY_LOCK_SPACE));

    private static final FixedStatement SETTINGS_THEN_CLAIM = new FixedStatement(SETTINGS + ";\n" + CLAIM.sql());

    /** Of these ids, those still undelivered as of now; parameters: ids, now. */
    private static final FixedStatement STILL_DUE = new FixedStatement("""
            select id from outbox_email
            where id = any(?) and (status = 'pending' or (status = 'sending' and locked_until < ?))""");

    /** What the sender reads of a held row, and its recipient's suppression-list entry. */
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
     * from (V24). False when it was no longer undelivered (nothing should finish an email another
     * sender holds; a false here means something did).
     */
    public boolean markSent(long id) {
        return !SETTINGS_THEN_MARK_SENT.queryLast(db, row -> row.getLong(1), now(), id).isEmpty();
    }

    private static final FixedStatement SETTINGS_THEN_MARK_SENT = new FixedStatement(SETTINGS + ";\n" + """
            update outbox_email
            set status = 'sent', sent_at = ?, attempts = attempts + 1,
                locked_until = null, locked_by = null, last_error = null, template_data = null
            where id = ? and status in ('pending', 'sending')
            returning id""");

    /** A delivery attempt failed: try again at {@code retryAt}, or give up ('dead') when null. */
    public void markFailed(long id, String error, OffsetDateTime retryAt) {
        db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, retryAt == null ? DEAD : PENDING)
                .set(OUTBOX_EMAIL.ATTEMPTS, OUTBOX_EMAIL.ATTEMPTS.plus(1))
                .set(OUTBOX_EMAIL.NEXT_ATTEMPT_AT, retryAt == null ? now() : retryAt)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(error))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.eq(id))
                .and(UNDELIVERED)
                .execute();
    }

    /** The recipient is suppressed: the email is finished without an attempt, with the reason kept. */
    public void markSuppressed(long id, String reason) {
        db.update(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.STATUS, SUPPRESSED)
                .set(OUTBOX_EMAIL.LAST_ERROR, truncate(reason))
                .setNull(OUTBOX_EMAIL.LOCKED_UNTIL)
                .setNull(OUTBOX_EMAIL.LOCKED_BY)
                .where(OUTBOX_EMAIL.ID.eq(id))
                .and(UNDELIVERED)
                .execute();
    }

    /**
     * Puts held emails off until {@code retryAt} without counting an attempt: the SMTP server
     * was unreachable (not the message's fault) or a sending ceiling holds them back.
     */
    public void postpone(Collection<Long> ids, OffsetDateTime retryAt, String reason) {
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
                .and(UNDELIVERED)
                .execute();
    }

    /** Only an email not yet finished: the marks never overwrite one another. */
    private static final Condition UNDELIVERED = OUTBOX_EMAIL.STATUS.in(PENDING, SENDING);

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
