package dev.launchline.waitlist;

import dev.launchline.db.schema.tables.records.SignupRecord;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;

import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.jooq.impl.DSL.noCondition;

/** Reads of the signup table for the admin API: search, page, stream. Never writes. */
public final class SignupSearchRepository {

    /**
     * Newest first, keyset-paged on the primary key ({@code id < before}): a stable order that
     * neither skips nor repeats rows while signups arrive, and page 1000 costs what page 1 does.
     */
    public List<SignupRecord> page(DSLContext db, SignupFilter filter, Optional<Long> before, int limit) {
        return db.selectFrom(SIGNUP)
                .where(matching(filter))
                .and(before.map(SIGNUP.ID::lt).orElse(noCondition()))
                .orderBy(SIGNUP.ID.desc())
                .limit(limit)
                .fetch();
    }

    /**
     * Every match, oldest first, fetched {@code fetchSize} rows at a time through a server-side
     * cursor. PostgreSQL's driver only uses a cursor inside a transaction (autocommit off), so
     * {@code tx} must be one; outside it the driver would read the whole result into memory.
     */
    public Cursor<SignupRecord> stream(DSLContext tx, SignupFilter filter, int fetchSize) {
        return tx.selectFrom(SIGNUP)
                .where(matching(filter))
                .orderBy(SIGNUP.ID)
                .fetchSize(fetchSize)
                .fetchLazy();
    }

    private static Condition matching(SignupFilter filter) {
        return filter.waitlist().map(SIGNUP.WAITLIST::eq).orElse(noCondition())
                .and(filter.status().map(SignupSearchRepository::hasStatus).orElse(noCondition()))
                .and(filter.email().map(SIGNUP.EMAIL::equalIgnoreCase).orElse(noCondition()))
                // contains() escapes % and _ in the value: a search for "a_b" finds only "a_b"
                .and(filter.emailContains().map(SIGNUP.EMAIL::containsIgnoreCase).orElse(noCondition()))
                .and(filter.createdFrom().map(SIGNUP.CREATED_AT::ge).orElse(noCondition()))
                .and(filter.createdBefore().map(SIGNUP.CREATED_AT::lt).orElse(noCondition()))
                .and(switch (filter.testSignups()) {
                    case EXCLUDE -> SIGNUP.IS_TEST.isFalse();
                    case INCLUDE -> noCondition();
                    case ONLY -> SIGNUP.IS_TEST.isTrue();
                });
    }

    /** The same precedence as {@link SignupFilter.Status#of}. */
    private static Condition hasStatus(SignupFilter.Status status) {
        return switch (status) {
            case UNSUBSCRIBED -> SIGNUP.UNSUBSCRIBED_AT.isNotNull();
            case INVITED -> SIGNUP.UNSUBSCRIBED_AT.isNull()
                    .and(SIGNUP.INVITED_AT.isNotNull());
            case CONFIRMED -> SIGNUP.UNSUBSCRIBED_AT.isNull()
                    .and(SIGNUP.INVITED_AT.isNull())
                    .and(SIGNUP.CONFIRMED_AT.isNotNull());
            case PENDING -> SIGNUP.UNSUBSCRIBED_AT.isNull()
                    .and(SIGNUP.INVITED_AT.isNull())
                    .and(SIGNUP.CONFIRMED_AT.isNull());
        };
    }
}
