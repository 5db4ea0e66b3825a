package dev.launchline.waitlist;

import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Deletes signups nobody confirmed within the retention period, with the mail still queued for
 * them: an address typed by someone else (list-bombing) or mistyped should not be kept. Run by
 * the service on a schedule and by {@code launchline purge-unconfirmed}.
 */
public final class UnconfirmedSignupPurge {
    private static final Logger log = LoggerFactory.getLogger(UnconfirmedSignupPurge.class);
    /** Rows per transaction: each batch holds its row locks for milliseconds, not for the whole purge. */
    static final int BATCH_SIZE = 500;

    private final DSLContext db;
    private final SignupRepository signups;
    private final Duration retention;
    private final Clock clock;

    public UnconfirmedSignupPurge(DSLContext db, SignupRepository signups, Duration retention, Clock clock) {
        this.db = db;
        this.signups = signups;
        this.retention = retention;
        this.clock = clock;
    }

    /** @return how many signups were deleted */
    public int purge() {
        OffsetDateTime cutoff = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(retention);
        int total = 0;
        while (true) {
            int deleted = db.transactionResult(configuration ->
                    signups.deleteUnconfirmedBefore(configuration.dsl(), cutoff, BATCH_SIZE));
            total += deleted;
            if (deleted < BATCH_SIZE) {
                break;
            }
        }
        if (total > 0) {
            log.info("purged {} signups left unconfirmed for more than {} days", total, retention.toDays());
        }
        return total;
    }
}
