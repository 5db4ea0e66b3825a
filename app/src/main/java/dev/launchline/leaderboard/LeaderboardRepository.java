package dev.launchline.leaderboard;

import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.Records;
import org.jooq.ResultQuery;

import java.util.List;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.jooq.impl.DSL.inline;

/** The leaderboard's one query; it only reads the signup table. */
public final class LeaderboardRepository {

    /** One referrer as stored: the address is masked before it leaves this package's cache. */
    record Referrer(long signupId, String email, String leaderboardName, int confirmedReferrals) {
    }

    /**
     * The top referrers: confirmed, still subscribed, not a smoke check (a test row never gets a
     * position_key, V10), by confirmed referrals, ties to the earliest confirmation. The filters
     * are signup_leaderboard_idx's predicate (V22), so PostgreSQL reads the first {@code size}
     * entries of that index and stops; the 0 is inlined because a bound parameter would not let a
     * generic plan prove the predicate, and so not use the partial index.
     */
    List<Referrer> top(DSLContext db, String waitlist, int size) {
        return query(db, waitlist, size)
                .fetch(Records.mapping(Referrer::new));
    }

    /** The query itself, apart, so that a test can ask PostgreSQL for its plan. */
    ResultQuery<Record4<Long, String, String, Integer>> query(DSLContext db, String waitlist, int size) {
        return db.select(SIGNUP.ID, SIGNUP.EMAIL, SIGNUP.LEADERBOARD_NAME, SIGNUP.CONFIRMED_REFERRALS)
                .from(SIGNUP)
                .where(SIGNUP.WAITLIST.eq(waitlist))
                .and(SIGNUP.CONFIRMED_REFERRALS.gt(inline(0)))
                .and(SIGNUP.POSITION_KEY.isNotNull())
                .and(SIGNUP.UNSUBSCRIBED_AT.isNull())
                .and(SIGNUP.IS_TEST.isFalse())
                .orderBy(SIGNUP.CONFIRMED_REFERRALS.desc(), SIGNUP.CONFIRMATION_ORDER.asc())
                .limit(size);
    }
}
