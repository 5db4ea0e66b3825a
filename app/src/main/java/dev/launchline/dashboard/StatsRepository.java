package dev.launchline.dashboard;

import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.EMAIL_SUPPRESSION;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.when;

/**
 * The dashboard's reads: signups and email delivery aggregated over a window that starts at
 * {@code from}. Never writes. Each query reads only the rows of the window, through the indexes
 * on signup.created_at and the outbox's sent/dead partial indexes (V11); the caller bounds the
 * window to at most a year.
 */
public final class StatsRepository {
    /** What a missing utm_source is counted as. */
    public static final String NO_SOURCE = "(none)";
    /** What every source outside the top ones is counted as. */
    public static final String OTHER_SOURCES = "(other)";

    /**
     * The signup's calendar day in UTC. "at time zone 'UTC'" pins it: a bare date_trunc on a
     * timestamptz would use the session's TimeZone, and the same row could land on another day.
     */
    private static final Field<LocalDate> DAY = field("cast(date_trunc('day', {0} at time zone 'UTC') as date)",
            SQLDataType.LOCALDATE, SIGNUP.CREATED_AT);
    private static final Field<String> SOURCE = coalesce(SIGNUP.UTM_SOURCE, inline(NO_SOURCE));
    private static final List<String> UNDELIVERED = List.of("pending", "sending");

    /** Signups created on {@code day} under {@code key} (a waitlist or a source). */
    public record DailyCount(LocalDate day, String key, int count) {
    }

    /** How the signups of one waitlist created in the window went on. */
    public record WaitlistCounts(String waitlist, int signups, int confirmed, int referralsCredited) {
    }

    /** Referred signups of the window by outcome. */
    public record ReferralCounts(int credited, int notCredited, int unconfirmed) {
    }

    /** Email delivery: sent and dead-lettered in the window; the undelivered ones right now. */
    public record EmailCounts(int sent, int dead, int backlog, int failedPending,
                              Optional<OffsetDateTime> oldestUndeliveredCreatedAt, int suppressed,
                              int suppressedAddresses) {
    }

    public List<DailyCount> signupsPerDayAndWaitlist(DSLContext db, OffsetDateTime from) {
        return db.select(DAY, SIGNUP.WAITLIST, count())
                .from(SIGNUP)
                .where(SIGNUP.CREATED_AT.ge(from))
                .and(SIGNUP.IS_TEST.isFalse()) // smoke checks are not signups
                .groupBy(DAY, SIGNUP.WAITLIST)
                .orderBy(DAY, SIGNUP.WAITLIST)
                .fetch(StatsRepository::dailyCount);
    }

    /**
     * The {@code limit} sources with the most signups in the window. utm_source is whatever a
     * visitor's link said, so the dashboard names only the top few and folds the rest together:
     * a flood of made-up sources cannot blow up the response or the chart.
     */
    public List<String> topSources(DSLContext db, OffsetDateTime from, int limit) {
        return db.select(SOURCE)
                .from(SIGNUP)
                .where(SIGNUP.CREATED_AT.ge(from))
                .and(SIGNUP.IS_TEST.isFalse()) // smoke checks are not signups
                .groupBy(SOURCE)
                .orderBy(count().desc(), SOURCE)
                .limit(limit)
                .fetch(SOURCE);
    }

    /** Per day and source, every source not in {@code named} counted as {@link #OTHER_SOURCES}. */
    public List<DailyCount> signupsPerDayAndSource(DSLContext db, OffsetDateTime from, List<String> named) {
        // the names inlined (jOOQ quotes them), not bound: PostgreSQL matches a grouped expression
        // to the selected one by its text, and two sets of bind parameters would not be the same text
        Field<String> source = when(SOURCE.in(named.stream().map(DSL::inline).toList()), SOURCE)
                .otherwise(inline(OTHER_SOURCES));
        return db.select(DAY, source, count())
                .from(SIGNUP)
                .where(SIGNUP.CREATED_AT.ge(from))
                .and(SIGNUP.IS_TEST.isFalse()) // smoke checks are not signups
                .groupBy(DAY, source)
                .orderBy(DAY, source)
                .fetch(StatsRepository::dailyCount);
    }

    public List<WaitlistCounts> perWaitlist(DSLContext db, OffsetDateTime from) {
        return db.select(SIGNUP.WAITLIST,
                        count(),
                        count().filterWhere(SIGNUP.CONFIRMED_AT.isNotNull()),
                        count().filterWhere(SIGNUP.CONFIRMED_AT.isNotNull()
                                .and(SIGNUP.REFERRED_BY.isNotNull())
                                .and(SIGNUP.REFERRAL_NOT_CREDITED.isNull())))
                .from(SIGNUP)
                .where(SIGNUP.CREATED_AT.ge(from))
                .and(SIGNUP.IS_TEST.isFalse()) // smoke checks are not signups
                .groupBy(SIGNUP.WAITLIST)
                .orderBy(SIGNUP.WAITLIST)
                .fetch(row -> new WaitlistCounts(row.value1(), row.value2(), row.value3(), row.value4()));
    }

    /**
     * Credited: confirmed, and the fraud rules let it count (the referrer moved up). Not
     * credited: confirmed, but a self-referral or from the referrer's own network.
     */
    public ReferralCounts referrals(DSLContext db, OffsetDateTime from) {
        var row = db.select(
                        count().filterWhere(SIGNUP.CONFIRMED_AT.isNotNull()
                                .and(SIGNUP.REFERRAL_NOT_CREDITED.isNull())),
                        count().filterWhere(SIGNUP.CONFIRMED_AT.isNotNull()
                                .and(SIGNUP.REFERRAL_NOT_CREDITED.isNotNull())),
                        count().filterWhere(SIGNUP.CONFIRMED_AT.isNull()))
                .from(SIGNUP)
                .where(SIGNUP.CREATED_AT.ge(from))
                .and(SIGNUP.IS_TEST.isFalse()) // smoke checks are not signups
                .and(SIGNUP.REFERRED_BY.isNotNull())
                .fetchSingle();
        return new ReferralCounts(row.value1(), row.value2(), row.value3());
    }

    public EmailCounts email(DSLContext db, OffsetDateTime from) {
        // the undelivered rows are found through the partial index outbox_email_due_idx
        var undelivered = db.select(
                        count(),
                        count().filterWhere(OUTBOX_EMAIL.ATTEMPTS.gt(0)),
                        min(OUTBOX_EMAIL.CREATED_AT))
                .from(OUTBOX_EMAIL)
                .where(OUTBOX_EMAIL.STATUS.in(UNDELIVERED))
                .fetchSingle();
        // sent_at is set when a mail leaves; a dead-lettered mail has no such time, so it counts
        // in the window it was queued in. Two counts, each on its own partial index (V11).
        int sent = db.fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent")
                .and(OUTBOX_EMAIL.SENT_AT.ge(from)));
        int dead = db.fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("dead")
                .and(OUTBOX_EMAIL.CREATED_AT.ge(from)));
        // the suppressed ones through their own partial index (V23); the list is small (one row per address)
        int suppressed = db.fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("suppressed")
                .and(OUTBOX_EMAIL.CREATED_AT.ge(from)));
        int suppressedAddresses = db.fetchCount(EMAIL_SUPPRESSION);
        return new EmailCounts(sent, dead, undelivered.value1(), undelivered.value2(),
                Optional.ofNullable(undelivered.value3()), suppressed, suppressedAddresses);
    }

    private static DailyCount dailyCount(Record3<LocalDate, String, Integer> row) {
        return new DailyCount(row.value1(), row.value2(), row.value3());
    }
}
