package dev.launchline.invite;

import dev.launchline.db.schema.tables.records.InviteBatchRecord;
import org.jooq.DSLContext;

import java.util.Optional;

import static dev.launchline.db.schema.Tables.INVITE_BATCH;

/** The only code that reads or writes invite_batch. */
public final class InviteBatchRepository {

    /**
     * A new batch for this Idempotency-Key, or empty when the key has a batch already. A second
     * request with the same key, sent while the first one's transaction is still open, waits here
     * on the unique index until that transaction ends, and then finds the key taken (or, if the
     * first rolled back, takes it): the same key never runs two batches.
     */
    public Optional<Long> insertIfNew(DSLContext tx, String waitlist, String idempotencyKey, int requested,
                                      String tokenName) {
        return tx.insertInto(INVITE_BATCH)
                .set(INVITE_BATCH.WAITLIST, waitlist)
                .set(INVITE_BATCH.IDEMPOTENCY_KEY, idempotencyKey)
                .set(INVITE_BATCH.REQUESTED, requested)
                .set(INVITE_BATCH.TOKEN_NAME, tokenName)
                .onConflictDoNothing()
                .returningResult(INVITE_BATCH.ID)
                .fetchOptional(INVITE_BATCH.ID);
    }

    public Optional<InviteBatchRecord> byIdempotencyKey(DSLContext db, String idempotencyKey) {
        return db.selectFrom(INVITE_BATCH)
                .where(INVITE_BATCH.IDEMPOTENCY_KEY.eq(idempotencyKey))
                .fetchOptional();
    }

    public InviteBatchRecord byId(DSLContext db, long id) {
        return db.selectFrom(INVITE_BATCH)
                .where(INVITE_BATCH.ID.eq(id))
                .fetchSingle();
    }

    public void recordInvited(DSLContext tx, long id, int invited) {
        tx.update(INVITE_BATCH)
                .set(INVITE_BATCH.INVITED, invited)
                .where(INVITE_BATCH.ID.eq(id))
                .execute();
    }
}
