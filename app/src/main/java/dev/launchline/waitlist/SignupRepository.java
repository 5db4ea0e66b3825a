package dev.launchline.waitlist;

import dev.launchline.bots.ReferralGuard;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.db.FixedStatement;
import dev.launchline.db.GroupCommit;
import dev.launchline.webhook.WebhookEvents;
import dev.launchline.db.Jsonb;
import dev.launchline.email.EmailAddress;
import dev.launchline.mail.OutgoingEmail;
import org.jooq.DSLContext;
import org.jooq.Records;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Sequences.SIGNUP_CONFIRMATION_ORDER;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static dev.launchline.db.schema.Tables.SIGNUP_POSITION_BUCKET;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.when;

/**
 * The only code that writes the signup table (the admin API's searches read it through
 * {@link SignupSearchRepository}). Every method takes the transaction.
 */
public final class SignupRepository {

    /**
     * Who referred a new signup, whether it will count, and the new signup's network hash.
     *
     * @param referrerId         null when no (known) referral code came with the signup
     * @param notCredited        null when the referral counts once confirmed; else why not
     * @param refereeNetworkHash null when the client address was unknown
     */
    public record ReferredBy(Long referrerId, String notCredited, String refereeNetworkHash) {
    }

    /** Must match the shift in V4__add_signup_position_bucket.sql. */
    private static final int BUCKET_BITS = 10;

    /** The row a new signup will be, without its id: what we write, and the defaults of a new signup. */
    public SignupRecord newSignup(DSLContext db, String waitlist, SignupRequest request, String referralCode,
                                  ReferredBy referral, ConsentRecord consent, OffsetDateTime at) {
        var attribution = request.attribution();
        OffsetDateTime now = at.truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps, so the record equals the row
        SignupRecord signup = db.newRecord(SIGNUP);
        signup.setWaitlist(waitlist);
        signup.setEmail(request.email().address());
        signup.setEmailKey(request.email().key());
        signup.setName(request.name().orElse(null));
        signup.setCompany(request.company().orElse(null));
        signup.setRole(request.role().orElse(null));
        signup.setCustomFields(Jsonb.of(request.customFields()));
        signup.setConsent(request.consent());
        signup.setReferralCode(referralCode);
        signup.setReferredBy(referral.referrerId());
        signup.setReferralNotCredited(referral.notCredited());
        signup.setClientNetworkHash(referral.refereeNetworkHash());
        signup.setUtmSource(attribution.utmSource().orElse(null));
        signup.setUtmMedium(attribution.utmMedium().orElse(null));
        signup.setUtmCampaign(attribution.utmCampaign().orElse(null));
        signup.setUtmTerm(attribution.utmTerm().orElse(null));
        signup.setUtmContent(attribution.utmContent().orElse(null));
        signup.setReferrer(attribution.referrer().orElse(null));
        signup.setLandingPage(attribution.landingPage().orElse(null));
        signup.setLeaderboardName(request.leaderboardName().orElse(null));
        signup.setConsentVersion(consent.version().orElse(null));
        signup.setConsentOrigin(consent.origin().orElse(null));
        signup.setClientAddressHash(consent.addressHash().orElse(null));
        signup.setCreatedAt(now);
        signup.setLastMailedAt(now);
        signup.setConfirmedReferrals(0);
        signup.setIsTest(false);
        return signup;
    }

    /**
     * Inserts the signup unless the waitlist already has this email (or, astronomically
     * rarely, this referral code). Empty means nothing was inserted. The new row comes back
     * whole and stays locked by this transaction: no second round trip to read it.
     */
    public Optional<SignupRecord> insertIfNew(DSLContext tx, String waitlist, SignupRequest request,
                                              String referralCode, ReferredBy referral, ConsentRecord consent,
                                              OffsetDateTime at) {
        SignupRecord signup = newSignup(tx, waitlist, request, referralCode, referral, consent, at);
        Optional<Long> id = INSERT_IF_NEW.returningLong(tx, signupColumns(signup));
        return id.map(newId -> {
            signup.setId(newId);
            signup.changed(false);
            return signup;
        });
    }

    /*
     * The hottest statement of a launch spike, as fixed SQL run with plain JDBC: jOOQ's DSL
     * rebuilt and rendered this 25-column insert for every signup, and mapping "returning *"
     * read the result's metadata each time; together several times PostgreSQL's own share of
     * the statement (JFR, SignupSteadySimulation at 200/s). InsertIfNewTest checks that the
     * record built above equals the row as stored.
     * No conflict target: a duplicate email is the expected case, a duplicate code the caller retries.
     */
    private static final FixedStatement INSERT_IF_NEW = new FixedStatement("""
            insert into signup (waitlist, email, email_key, name, company, role, custom_fields, consent,
                                referral_code, referred_by, referral_not_credited, client_network_hash,
                                utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, landing_page,
                                leaderboard_name, consent_version, consent_origin, client_address_hash, created_at,
                                last_mailed_at)
            values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict do nothing
            returning id""");

    /**
     * Inserts a new signup (its id taken ahead, see {@link SignupIds}) together with its first
     * email, as one statement and so one transaction: both rows or neither. False when the
     * waitlist already has this email (or the code is taken); then nothing was written and the
     * caller goes the transactional way. The statement is {@link #INSERT_IF_NEW_WITH_EMAIL}, run by
     * a {@link GroupCommit} that commits it together with other requests' signups. The one place
     * outside OutboxRepository that writes outbox_email: the columns are ENQUEUE's there.
     */
    public boolean insertIfNewWithEmail(GroupCommit newSignups, SignupRecord signup, OutgoingEmail email,
                                        String messageId, OffsetDateTime queuedAt) {
        return newSignups.execute(parameters(new Object[]{signup.getId()}, signupColumns(signup),
                emailColumns(email, messageId, queuedAt))) == 1;
    }

    /**
     * {@link #insertIfNewWithEmail} for a waitlist that webhook endpoints listen to: the same
     * statement with signup.created's deliveries inserted by it too
     * ({@link #INSERT_IF_NEW_WITH_EMAIL_AND_WEBHOOKS}), so the event exists exactly when the signup does.
     */
    public boolean insertIfNewWithEmail(GroupCommit newSignups, SignupRecord signup, OutgoingEmail email,
                                        String messageId, OffsetDateTime queuedAt, WebhookEvents.Prepared event) {
        Object[] webhooks = {event.type(), event.payload(), queuedAt, queuedAt, event.endpoints()};
        return newSignups.execute(parameters(new Object[]{signup.getId()}, signupColumns(signup), webhooks,
                emailColumns(email, messageId, queuedAt))) == 1;
    }

    /** The values of every signup insert's columns, id aside, in the statements' order. */
    private static Object[] signupColumns(SignupRecord signup) {
        return new Object[]{
                signup.getWaitlist(), signup.getEmail(), signup.getEmailKey(), signup.getName(),
                signup.getCompany(), signup.getRole(), signup.getCustomFields().data(), signup.getConsent(),
                signup.getReferralCode(), signup.getReferredBy(), signup.getReferralNotCredited(),
                signup.getClientNetworkHash(), signup.getUtmSource(), signup.getUtmMedium(), signup.getUtmCampaign(),
                signup.getUtmTerm(), signup.getUtmContent(), signup.getReferrer(), signup.getLandingPage(),
                signup.getLeaderboardName(), signup.getConsentVersion(), signup.getConsentOrigin(), signup.getClientAddressHash(),
                signup.getCreatedAt(), signup.getLastMailedAt()};
    }

    private static Object[] emailColumns(OutgoingEmail email, String messageId, OffsetDateTime queuedAt) {
        return new Object[]{
                messageId, email.kind(), email.sender(), email.recipient(), email.replyTo().orElse(null),
                email.subject(), email.textBody(), email.htmlBody(), email.unsubscribeUrl().orElse(null),
                email.templateData().orElse(null), queuedAt};
    }

    private static Object[] parameters(Object[]... parts) {
        int length = 0;
        for (Object[] part : parts) {
            length += part.length;
        }
        Object[] all = new Object[length];
        int at = 0;
        for (Object[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /*
     * A launch spike's statement: one statement per signup, where BEGIN, the two inserts and
     * COMMIT took three round trips, each a pair of syscalls and a wake-up on both sides
     * (async-profiler, wrk at 400/s: system calls were a third of the request threads' CPU);
     * and, through GroupCommit, one commit for all the signups that arrived meanwhile. The
     * outbox row is inserted only when the signup was: the statement's count (0 or 1) says which.
     */
    public static final String INSERT_IF_NEW_WITH_EMAIL = """
            with new_signup as (
                insert into signup (id, waitlist, email, email_key, name, company, role, custom_fields, consent,
                                    referral_code, referred_by, referral_not_credited, client_network_hash,
                                    utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer,
                                    landing_page, leaderboard_name, consent_version, consent_origin, client_address_hash,
                                    created_at, last_mailed_at)
                overriding system value
                values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict do nothing
                returning id)
            insert into outbox_email (message_id, kind, signup_id, sender, recipient, reply_to,
                                      subject, text_body, html_body, unsubscribe_url, template_data, next_attempt_at)
            select ?, ?, new_signup.id, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ? from new_signup""";

    /*
     * The same, with one more insert in the statement: the signup.created deliveries, one per
     * endpoint that hears the waitlist (WebhookRepository's columns). Its count is still the
     * outbox insert's, the statement's last.
     */
    public static final String INSERT_IF_NEW_WITH_EMAIL_AND_WEBHOOKS = """
            with new_signup as (
                insert into signup (id, waitlist, email, email_key, name, company, role, custom_fields, consent,
                                    referral_code, referred_by, referral_not_credited, client_network_hash,
                                    utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer,
                                    landing_page, leaderboard_name, consent_version, consent_origin, client_address_hash,
                                    created_at, last_mailed_at)
                overriding system value
                values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict do nothing
                returning id),
            new_webhooks as (
                insert into webhook_delivery (message_id, endpoint, event_type, signup_id, payload,
                                              created_at, next_attempt_at)
                select 'msg_' || replace(cast(gen_random_uuid() as text), '-', ''), endpoint, ?, new_signup.id,
                       cast(? as jsonb), ?, ?
                from new_signup, unnest(string_to_array(?, ',')) as endpoint)
            insert into outbox_email (message_id, kind, signup_id, sender, recipient, reply_to,
                                      subject, text_body, html_body, unsubscribe_url, template_data, next_attempt_at)
            select ?, ?, new_signup.id, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ? from new_signup""";

    /**
     * Inserts a smoke-check signup (is_test): no referral, no attribution, nothing from the
     * public. Empty when the address or the code is taken, as in {@link #insertIfNew}.
     */
    public Optional<SignupRecord> insertTestIfNew(DSLContext tx, String waitlist, EmailAddress email,
                                                  String referralCode, OffsetDateTime now) {
        return tx.insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, waitlist)
                .set(SIGNUP.EMAIL, email.address())
                .set(SIGNUP.EMAIL_KEY, email.key())
                .set(SIGNUP.REFERRAL_CODE, referralCode)
                .set(SIGNUP.IS_TEST, true)
                .set(SIGNUP.CREATED_AT, now)
                .set(SIGNUP.LAST_MAILED_AT, now)
                .onConflictDoNothing()
                .returning()
                .fetchOptional();
    }

    /** A test signup's code earns nothing: it is never a referrer. */
    public Optional<ReferralGuard.Referrer> referrerByCode(DSLContext tx, String waitlist, String referralCode) {
        return tx.select(SIGNUP.ID, SIGNUP.EMAIL_KEY, SIGNUP.CLIENT_NETWORK_HASH, SIGNUP.CREATED_AT)
                .from(SIGNUP)
                .where(SIGNUP.REFERRAL_CODE.eq(referralCode))
                .and(SIGNUP.WAITLIST.eq(waitlist))
                .and(SIGNUP.IS_TEST.isFalse())
                .fetchOptional(Records.mapping(ReferralGuard.Referrer::new));
    }

    /** Whether the address is on the list: one index lookup, no lock. */
    public boolean isOnTheList(DSLContext db, String waitlist, String emailKey) {
        return db.fetchExists(SIGNUP, SIGNUP.WAITLIST.eq(waitlist).and(SIGNUP.EMAIL_KEY.eq(emailKey)));
    }

    /** Locks the row: concurrent repeat signups of one address queue here, so one mail goes out. */
    public Optional<SignupRecord> lockByEmail(DSLContext tx, String waitlist, String emailKey) {
        return tx.selectFrom(SIGNUP)
                .where(SIGNUP.WAITLIST.eq(waitlist))
                .and(SIGNUP.EMAIL_KEY.eq(emailKey))
                .forUpdate()
                .fetchOptional();
    }

    public Optional<SignupRecord> lockById(DSLContext tx, long id) {
        return tx.selectFrom(SIGNUP)
                .where(SIGNUP.ID.eq(id))
                .forUpdate()
                .fetchOptional();
    }

    public Optional<SignupRecord> byId(DSLContext db, long id) {
        return db.selectFrom(SIGNUP)
                .where(SIGNUP.ID.eq(id))
                .fetchOptional();
    }

    /**
     * When the newest signup arrived: one step down signup_created_idx. Not by id: ids are taken
     * ahead in blocks per instance (SignupIds), so the highest id need not be the latest signup.
     */
    public Optional<OffsetDateTime> lastCreatedAt(DSLContext db) {
        return db.select(SIGNUP.CREATED_AT)
                .from(SIGNUP)
                .where(SIGNUP.IS_TEST.isFalse()) // a smoke check is not a lead arriving
                .orderBy(SIGNUP.CREATED_AT.desc())
                .limit(1)
                .fetchOptional(SIGNUP.CREATED_AT);
    }

    public void markMailed(DSLContext tx, long id, OffsetDateTime now) {
        tx.update(SIGNUP)
                .set(SIGNUP.LAST_MAILED_AT, now)
                .where(SIGNUP.ID.eq(id))
                .execute();
    }

    /** Joins the line: next confirmation order, moved up by referrals that confirmed earlier. */
    public SignupRecord confirm(DSLContext tx, long id, int referralBoost, OffsetDateTime now) {
        long order = tx.nextval(SIGNUP_CONFIRMATION_ORDER);
        return tx.update(SIGNUP)
                .set(SIGNUP.CONFIRMED_AT, now)
                .set(SIGNUP.CONFIRMATION_ORDER, order)
                .set(SIGNUP.POSITION_KEY, SIGNUP.CONFIRMED_REFERRALS.mul((long) referralBoost).neg().plus(order).cast(Long.class))
                .where(SIGNUP.ID.eq(id))
                .returning()
                .fetchSingle();
    }

    /** A referral confirmed: the referrer moves up (if already in line; else when they confirm). */
    public void creditReferral(DSLContext tx, long referrerId, int referralBoost) {
        tx.update(SIGNUP)
                .set(SIGNUP.CONFIRMED_REFERRALS, SIGNUP.CONFIRMED_REFERRALS.plus(1))
                .set(SIGNUP.POSITION_KEY, when(SIGNUP.CONFIRMATION_ORDER.isNull(), (Long) null)
                        .otherwise(SIGNUP.POSITION_KEY.minus((long) referralBoost)))
                .where(SIGNUP.ID.eq(referrerId))
                .execute();
    }

    /**
     * 1 + the confirmed signups ahead of this one: the per-bucket counts below this key's
     * bucket (kept by a trigger, see V4 and V13), plus an index range count on signup_confirmed_position_idx
     * inside the bucket (at most ~1024 entries). Both stay small however long the line is.
     */
    public int position(DSLContext db, String waitlist, long positionKey, long confirmationOrder) {
        long bucket = positionKey >> BUCKET_BITS;
        int inEarlierBuckets = db.select(coalesce(sum(SIGNUP_POSITION_BUCKET.CONFIRMED), BigDecimal.ZERO))
                .from(SIGNUP_POSITION_BUCKET)
                .where(SIGNUP_POSITION_BUCKET.WAITLIST.eq(waitlist))
                .and(SIGNUP_POSITION_BUCKET.BUCKET.lt(bucket))
                .fetchSingle(0, Integer.class);
        int aheadInBucket = db.fetchCount(SIGNUP, SIGNUP.WAITLIST.eq(waitlist)
                .and(SIGNUP.POSITION_KEY.ge(bucket << BUCKET_BITS))
                .and(row(SIGNUP.POSITION_KEY, SIGNUP.CONFIRMATION_ORDER).lt(positionKey, confirmationOrder)));
        return 1 + inEarlierBuckets + aheadInBucket;
    }

    public int confirmedCount(DSLContext db, String waitlist) {
        return db.select(coalesce(sum(SIGNUP_POSITION_BUCKET.CONFIRMED), BigDecimal.ZERO))
                .from(SIGNUP_POSITION_BUCKET)
                .where(SIGNUP_POSITION_BUCKET.WAITLIST.eq(waitlist))
                .fetchSingle(0, Integer.class);
    }

    public void unsubscribe(DSLContext tx, long id, OffsetDateTime now) {
        tx.update(SIGNUP)
                .set(SIGNUP.UNSUBSCRIBED_AT, now)
                .where(SIGNUP.ID.eq(id))
                .and(SIGNUP.UNSUBSCRIBED_AT.isNull())
                .execute();
    }

    /**
     * Deletes up to {@code limit} signups never confirmed and not mailed since {@code cutoff}
     * (a person who asked again yesterday keeps a working link). Small batches keep locks short;
     * SKIP LOCKED lets a confirming person, or a second instance purging too, go first. Queued
     * mail goes with the rows (on delete cascade), referrals they made lose their referrer.
     */
    public int deleteUnconfirmedBefore(DSLContext tx, OffsetDateTime cutoff, int limit) {
        var batch = tx.select(SIGNUP.ID)
                .from(SIGNUP)
                .where(SIGNUP.CONFIRMED_AT.isNull())
                .and(SIGNUP.CREATED_AT.lt(cutoff))
                .and(SIGNUP.LAST_MAILED_AT.isNull().or(SIGNUP.LAST_MAILED_AT.lt(cutoff)))
                .orderBy(SIGNUP.CREATED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return tx.deleteFrom(SIGNUP)
                .where(SIGNUP.ID.in(batch))
                .execute();
    }

    /** Erasure: the row goes, its queued mail goes with it (on delete cascade). */
    public boolean delete(DSLContext tx, long id) {
        return tx.deleteFrom(SIGNUP)
                .where(SIGNUP.ID.eq(id))
                .execute() == 1;
    }

    /** Deletes a smoke-check signup and its mail; never a real person's row, whatever the id. */
    public boolean deleteTest(DSLContext tx, long id) {
        return tx.deleteFrom(SIGNUP)
                .where(SIGNUP.ID.eq(id))
                .and(SIGNUP.IS_TEST.isTrue())
                .execute() == 1;
    }

    /** Marks the signup invited; a second call keeps the first time. False when there is no such signup. */
    public boolean markInvited(DSLContext tx, long id, OffsetDateTime now) {
        return tx.update(SIGNUP)
                .set(SIGNUP.INVITED_AT, coalesce(SIGNUP.INVITED_AT, now))
                .where(SIGNUP.ID.eq(id))
                .execute() == 1;
    }

    /**
     * Locks the next {@code count} people to let in: confirmed, not invited, not unsubscribed, in
     * line order (a smoke check's signup is never in line: signup_test_never_in_line). SKIP LOCKED is what keeps two operators (or a retry racing the
     * first attempt) from inviting one person twice: a second batch running at the same moment
     * passes over the rows the first one holds and takes the people behind them, instead of
     * waiting and then finding them invited. A row another batch invited and committed after this
     * statement's snapshot is not taken either: PostgreSQL re-checks the WHERE clause on the newest
     * version of a row before it locks it. (Plain FOR UPDATE would be as correct, but the second
     * operator would wait for the first batch's whole transaction, mail rendering included.) The
     * price: a person whose row is locked for a moment by something else (a referral credit, an
     * unsubscribe) is passed over by this batch and is first in line for the next one. Walks
     * signup_invite_queue_idx (V18), which holds only the people still waiting.
     */
    public List<SignupRecord> lockNextToInvite(DSLContext tx, String waitlist, int count) {
        return tx.selectFrom(SIGNUP)
                .where(SIGNUP.WAITLIST.eq(waitlist))
                .and(SIGNUP.POSITION_KEY.isNotNull())
                .and(SIGNUP.INVITED_AT.isNull())
                .and(SIGNUP.UNSUBSCRIBED_AT.isNull())
                .orderBy(SIGNUP.POSITION_KEY, SIGNUP.CONFIRMATION_ORDER)
                .limit(count)
                .forUpdate()
                .skipLocked()
                .fetch();
    }

    /** Marks people locked by {@link #lockNextToInvite} as invited by one batch. */
    public void markInvitedInBatch(DSLContext tx, Collection<Long> ids, long batchId, OffsetDateTime now) {
        tx.update(SIGNUP)
                .set(SIGNUP.INVITED_AT, now)
                .set(SIGNUP.INVITE_BATCH_ID, batchId)
                .where(SIGNUP.ID.in(ids))
                .execute();
    }

    /** Who a batch let in, in line order (signup_invite_batch_idx); people erased since are gone. */
    public List<SignupRecord> invitedInBatch(DSLContext db, long batchId) {
        return db.selectFrom(SIGNUP)
                .where(SIGNUP.INVITE_BATCH_ID.eq(batchId))
                .orderBy(SIGNUP.POSITION_KEY, SIGNUP.CONFIRMATION_ORDER)
                .fetch();
    }
}
