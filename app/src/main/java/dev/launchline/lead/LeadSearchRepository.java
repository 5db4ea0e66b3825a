package dev.launchline.lead;

import dev.launchline.db.schema.tables.records.LeadRecord;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;

import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.LEAD;
import static org.jooq.impl.DSL.noCondition;

/** Reads of the lead table for the admin API: search, page, stream. Never writes. */
public final class LeadSearchRepository {

    /** Newest first, keyset-paged on the primary key: stable while leads arrive, cheap at any depth. */
    public List<LeadRecord> page(DSLContext db, LeadFilter filter, Optional<Long> before, int limit) {
        return db.selectFrom(LEAD)
                .where(matching(filter))
                .and(before.map(LEAD.ID::lt).orElse(noCondition()))
                .orderBy(LEAD.ID.desc())
                .limit(limit)
                .fetch();
    }

    /** Every match, oldest first, through a server-side cursor: {@code tx} must be a transaction. */
    public Cursor<LeadRecord> stream(DSLContext tx, LeadFilter filter, int fetchSize) {
        return tx.selectFrom(LEAD)
                .where(matching(filter))
                .orderBy(LEAD.ID)
                .fetchSize(fetchSize)
                .fetchLazy();
    }

    public Optional<LeadRecord> byId(DSLContext db, long id) {
        return db.selectFrom(LEAD)
                .where(LEAD.ID.eq(id))
                .fetchOptional();
    }

    private static Condition matching(LeadFilter filter) {
        return filter.form().map(LEAD.FORM::eq).orElse(noCondition())
                .and(filter.email().map(LEAD.EMAIL::equalIgnoreCase).orElse(noCondition()))
                .and(filter.emailContains().map(LEAD.EMAIL::containsIgnoreCase).orElse(noCondition()))
                .and(filter.createdFrom().map(LEAD.CREATED_AT::ge).orElse(noCondition()))
                .and(filter.createdBefore().map(LEAD.CREATED_AT::lt).orElse(noCondition()));
    }
}
