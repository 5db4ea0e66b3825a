package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.AdminAuditRecord;
import org.jooq.DSLContext;

import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static org.jooq.impl.DSL.noCondition;

/** The only code that reads or writes admin_audit. */
public final class AuditRepository {

    /** Written with the caller's transaction: the entry commits exactly when the change does. */
    public void record(DSLContext tx, Actor actor, String action, String target) {
        tx.insertInto(ADMIN_AUDIT)
                .set(ADMIN_AUDIT.TOKEN_NAME, actor.tokenName())
                .set(ADMIN_AUDIT.ACTION, action)
                .set(ADMIN_AUDIT.TARGET, target == null || target.length() <= 500 ? target : target.substring(0, 500))
                .set(ADMIN_AUDIT.CLIENT_IP, actor.clientIp())
                .set(ADMIN_AUDIT.REQUEST_ID, actor.requestId())
                .execute();
    }

    /** Newest first; keyset paging on the primary key, so a page costs the same however deep. */
    public List<AdminAuditRecord> page(DSLContext db, Optional<Long> before, int limit) {
        return db.selectFrom(ADMIN_AUDIT)
                .where(before.map(ADMIN_AUDIT.ID::lt).orElse(noCondition()))
                .orderBy(ADMIN_AUDIT.ID.desc())
                .limit(limit)
                .fetch();
    }
}
