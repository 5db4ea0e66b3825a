package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.LeadRecord;
import dev.launchline.db.schema.tables.records.SignupRecord;
import org.jooq.DSLContext;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

import static dev.launchline.db.schema.Tables.LEAD;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static dev.launchline.db.schema.Tables.WEBHOOK_DELIVERY;
import static org.jooq.impl.DSL.noCondition;

/**
 * What the database holds about one person, for a subject access request. The address is matched
 * as the admin search's {@code email} filter matches it (exact, any case): a scan of signup and
 * lead, fine for a request an operator makes by hand, and no index on the signup path for it.
 */
final class PersonExportRepository {

    /** Someone this person referred: their id and state, never their address. */
    record Referee(long id, long referredBy, String waitlist, boolean confirmed, boolean credited) {
    }

    record Email(long id, String kind, Long signupId, Long leadId, String recipient, String status, int attempts,
                 OffsetDateTime createdAt, OffsetDateTime sentAt) {
    }

    record WebhookDelivery(long id, String endpoint, String eventType, String status, OffsetDateTime createdAt,
                           OffsetDateTime deliveredAt) {
    }

    List<SignupRecord> signups(DSLContext db, String email) {
        return db.selectFrom(SIGNUP)
                .where(SIGNUP.EMAIL.equalIgnoreCase(email))
                .orderBy(SIGNUP.ID)
                .fetch();
    }

    List<LeadRecord> leads(DSLContext db, String email) {
        return db.selectFrom(LEAD)
                .where(LEAD.EMAIL.equalIgnoreCase(email))
                .orderBy(LEAD.ID)
                .fetch();
    }

    /** The people these signups referred (signup_referred_by_idx). */
    List<Referee> referees(DSLContext db, Collection<Long> referrerIds) {
        return db.select(SIGNUP.ID, SIGNUP.REFERRED_BY, SIGNUP.WAITLIST, SIGNUP.CONFIRMED_AT.isNotNull(),
                        SIGNUP.REFERRAL_NOT_CREDITED.isNull())
                .from(SIGNUP)
                .where(SIGNUP.REFERRED_BY.in(referrerIds))
                .orderBy(SIGNUP.ID)
                .fetch(row -> new Referee(row.value1(), row.value2(), row.value3(), row.value4(),
                        row.value4() && row.value5()));
    }

    /** Mail to or about them: what, when and whether it left; not the bodies (rendered from templates). */
    List<Email> emails(DSLContext db, Collection<Long> signupIds, Collection<Long> leadIds) {
        return db.select(OUTBOX_EMAIL.ID, OUTBOX_EMAIL.KIND, OUTBOX_EMAIL.SIGNUP_ID, OUTBOX_EMAIL.LEAD_ID,
                        OUTBOX_EMAIL.RECIPIENT, OUTBOX_EMAIL.STATUS, OUTBOX_EMAIL.ATTEMPTS, OUTBOX_EMAIL.CREATED_AT,
                        OUTBOX_EMAIL.SENT_AT)
                .from(OUTBOX_EMAIL)
                .where(anyOf(OUTBOX_EMAIL.SIGNUP_ID.in(signupIds), signupIds, OUTBOX_EMAIL.LEAD_ID.in(leadIds), leadIds))
                .orderBy(OUTBOX_EMAIL.ID)
                .fetch(row -> new Email(row.value1(), row.value2(), row.value3(), row.value4(), row.value5(),
                        row.value6(), row.value7(), row.value8(), row.value9()));
    }

    List<WebhookDelivery> webhookDeliveries(DSLContext db, Collection<Long> signupIds, Collection<Long> leadIds) {
        return db.select(WEBHOOK_DELIVERY.ID, WEBHOOK_DELIVERY.ENDPOINT, WEBHOOK_DELIVERY.EVENT_TYPE,
                        WEBHOOK_DELIVERY.STATUS, WEBHOOK_DELIVERY.CREATED_AT, WEBHOOK_DELIVERY.DELIVERED_AT)
                .from(WEBHOOK_DELIVERY)
                .where(anyOf(WEBHOOK_DELIVERY.SIGNUP_ID.in(signupIds), signupIds,
                        WEBHOOK_DELIVERY.LEAD_ID.in(leadIds), leadIds))
                .orderBy(WEBHOOK_DELIVERY.ID)
                .fetch(row -> new WebhookDelivery(row.value1(), row.value2(), row.value3(), row.value4(), row.value5(),
                        row.value6()));
    }

    /** "in" conditions for the id lists that are not empty; none when both are (then nothing matches). */
    private static org.jooq.Condition anyOf(org.jooq.Condition bySignup, Collection<Long> signupIds,
                                            org.jooq.Condition byLead, Collection<Long> leadIds) {
        if (signupIds.isEmpty() && leadIds.isEmpty()) {
            return org.jooq.impl.DSL.falseCondition();
        }
        return (signupIds.isEmpty() ? noCondition() : bySignup).or(leadIds.isEmpty() ? noCondition() : byLead);
    }
}
