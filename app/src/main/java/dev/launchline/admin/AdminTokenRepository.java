package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.AdminTokenRecord;
import org.jooq.DSLContext;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.ADMIN_TOKEN;

/** The only code that reads or writes admin_token. */
public final class AdminTokenRepository {

    /** Empty when an active token already has this name (the partial unique index says no). */
    public Optional<Long> insert(DSLContext tx, String name, AdminScope scope, String tokenHash, OffsetDateTime now) {
        return tx.insertInto(ADMIN_TOKEN)
                .set(ADMIN_TOKEN.NAME, name)
                .set(ADMIN_TOKEN.SCOPE, scope.id())
                .set(ADMIN_TOKEN.TOKEN_HASH, tokenHash)
                .set(ADMIN_TOKEN.CREATED_AT, now)
                .onConflictDoNothing()
                .returning(ADMIN_TOKEN.ID)
                .fetchOptional(ADMIN_TOKEN.ID);
    }

    /** Found through the unique index on token_hash; revoked tokens are not found at all. */
    public Optional<AdminTokenRecord> activeByHash(DSLContext db, String tokenHash) {
        return db.selectFrom(ADMIN_TOKEN)
                .where(ADMIN_TOKEN.TOKEN_HASH.eq(tokenHash))
                .and(ADMIN_TOKEN.REVOKED_AT.isNull())
                .fetchOptional();
    }

    /**
     * Records use, but at most once per {@code resolution} per token: the condition makes the
     * other requests of that minute (and racing ones) update nothing.
     */
    public void touch(DSLContext db, long id, OffsetDateTime now, Duration resolution) {
        db.update(ADMIN_TOKEN)
                .set(ADMIN_TOKEN.LAST_USED_AT, now)
                .where(ADMIN_TOKEN.ID.eq(id))
                .and(ADMIN_TOKEN.LAST_USED_AT.isNull().or(ADMIN_TOKEN.LAST_USED_AT.lt(now.minus(resolution))))
                .execute();
    }

    public List<AdminTokenRecord> all(DSLContext db) {
        return db.selectFrom(ADMIN_TOKEN)
                .orderBy(ADMIN_TOKEN.CREATED_AT, ADMIN_TOKEN.ID)
                .fetch();
    }

    public boolean revoke(DSLContext tx, String name, OffsetDateTime now) {
        return tx.update(ADMIN_TOKEN)
                .set(ADMIN_TOKEN.REVOKED_AT, now)
                .where(ADMIN_TOKEN.NAME.eq(name))
                .and(ADMIN_TOKEN.REVOKED_AT.isNull())
                .execute() == 1;
    }
}
