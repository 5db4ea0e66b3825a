package dev.launchline.suppression;

import org.jooq.DSLContext;
import org.jooq.Field;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.EMAIL_SUPPRESSION;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.when;

/** The only code that reads or writes email_suppression. */
public final class SuppressionRepository {

    /** One suppressed address, as the admin API shows it: its hash, never the address. */
    public record Entry(long id, String addressHash, String reason, String source, String detail,
                        OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    /**
     * Suppresses the address, or refreshes its suppression. A complaint or an operator's
     * suppression is never weakened to a hard bounce by a later bounce (which would let the
     * confirmation rule send to someone who complained); every event moves updated_at, so a
     * confirmation that bounces again waits out a fresh period.
     */
    public void suppress(DSLContext tx, String addressHash, SuppressionEvent.Reason reason,
                         SuppressionEvent.Source source, String detail, OffsetDateTime now) {
        var stronger = EMAIL_SUPPRESSION.REASON.in(SuppressionEvent.Reason.COMPLAINT.id(), SuppressionEvent.Reason.MANUAL.id());
        tx.insertInto(EMAIL_SUPPRESSION)
                .set(EMAIL_SUPPRESSION.ADDRESS_HASH, addressHash)
                .set(EMAIL_SUPPRESSION.REASON, reason.id())
                .set(EMAIL_SUPPRESSION.SOURCE, source.id())
                .set(EMAIL_SUPPRESSION.DETAIL, detail)
                .set(EMAIL_SUPPRESSION.CREATED_AT, now)
                .set(EMAIL_SUPPRESSION.UPDATED_AT, now)
                .onConflict(EMAIL_SUPPRESSION.ADDRESS_HASH)
                .doUpdate()
                .set(EMAIL_SUPPRESSION.REASON, keepStronger(stronger, EMAIL_SUPPRESSION.REASON))
                .set(EMAIL_SUPPRESSION.SOURCE, keepStronger(stronger, EMAIL_SUPPRESSION.SOURCE))
                .set(EMAIL_SUPPRESSION.DETAIL, keepStronger(stronger, EMAIL_SUPPRESSION.DETAIL))
                .set(EMAIL_SUPPRESSION.UPDATED_AT, excluded(EMAIL_SUPPRESSION.UPDATED_AT))
                .execute();
    }

    private static Field<String> keepStronger(org.jooq.Condition stronger, Field<String> column) {
        return when(stronger.and(excluded(EMAIL_SUPPRESSION.REASON).eq(SuppressionEvent.Reason.HARD_BOUNCE.id())), column)
                .otherwise(excluded(column));
    }

    /** The senders' lookup, once per email: served by the unique index on address_hash. */
    public Optional<Entry> find(DSLContext db, String addressHash) {
        return db.selectFrom(EMAIL_SUPPRESSION)
                .where(EMAIL_SUPPRESSION.ADDRESS_HASH.eq(addressHash))
                .fetchOptional(SuppressionRepository::entry);
    }

    public Optional<Entry> byId(DSLContext db, long id) {
        return db.selectFrom(EMAIL_SUPPRESSION)
                .where(EMAIL_SUPPRESSION.ID.eq(id))
                .fetchOptional(SuppressionRepository::entry);
    }

    /** Newest first, keyset-paged on the primary key (by reason through email_suppression_reason_idx). */
    public List<Entry> page(DSLContext db, Optional<String> reason, Optional<String> addressHash,
                            Optional<Long> before, int limit) {
        return db.selectFrom(EMAIL_SUPPRESSION)
                .where(reason.map(EMAIL_SUPPRESSION.REASON::eq).orElse(noCondition()))
                .and(addressHash.map(EMAIL_SUPPRESSION.ADDRESS_HASH::eq).orElse(noCondition()))
                .and(before.map(EMAIL_SUPPRESSION.ID::lt).orElse(noCondition()))
                .orderBy(EMAIL_SUPPRESSION.ID.desc())
                .limit(limit)
                .fetch(SuppressionRepository::entry);
    }

    /** Lifts a suppression: the row goes (the audit log keeps that it existed); the lifted entry, if there was one. */
    public Optional<Entry> delete(DSLContext tx, long id) {
        return tx.deleteFrom(EMAIL_SUPPRESSION)
                .where(EMAIL_SUPPRESSION.ID.eq(id))
                .returning()
                .fetchOptional(SuppressionRepository::entry);
    }

    /** Clears a hard bounce (and nothing stronger) of this address; whether there was one. */
    public boolean deleteHardBounce(DSLContext tx, String addressHash) {
        return tx.deleteFrom(EMAIL_SUPPRESSION)
                .where(EMAIL_SUPPRESSION.ADDRESS_HASH.eq(addressHash))
                .and(EMAIL_SUPPRESSION.REASON.eq(SuppressionEvent.Reason.HARD_BOUNCE.id()))
                .execute() > 0;
    }

    private static Entry entry(dev.launchline.db.schema.tables.records.EmailSuppressionRecord row) {
        return new Entry(row.getId(), row.getAddressHash(), row.getReason(), row.getSource(), row.getDetail(),
                row.getCreatedAt(), row.getUpdatedAt());
    }
}
