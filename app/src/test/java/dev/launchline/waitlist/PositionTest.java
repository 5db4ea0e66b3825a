package dev.launchline.waitlist;

import dev.launchline.db.Database;
import dev.launchline.support.TestDatabases;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.row;

/**
 * The bucketed position count must equal the plain count of everyone ahead, across bucket
 * edges, negative keys (big referral boosts), referral credits and erasures.
 */
class PositionTest {
    private static Database database;
    private static DSLContext db;
    private final SignupRepository signups = new SignupRepository();

    @BeforeAll
    static void start() {
        database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2);
        database.migrate();
        db = database.dsl();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void bucketed_positions_equal_the_plain_count_through_referrals_and_erasure() {
        // 5000 confirmed signups on two waitlists, with referral credits pushing keys below zero
        db.execute("""
                insert into signup (waitlist, email, email_key, referral_code, confirmed_at, confirmation_order,
                                    confirmed_referrals, position_key)
                select case when g % 5 = 0 then 'other' else 'main' end, 'p' || g || '@x.test', 'p' || g || '@x.test',
                       'code' || g, now(), g, g % 4, g - 700 * (g % 4)
                  from generate_series(1, 5000) g
                """);
        assertAllPositionsMatch();

        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            long referrer = 1 + random.nextInt(5000);
            db.transaction(tx -> signups.creditReferral(tx.dsl(), referrer, 300));
        }
        db.deleteFrom(SIGNUP).where(SIGNUP.ID.mod(13).eq(0L)).execute();
        assertAllPositionsMatch();
        assertThat(signups.confirmedCount(db, "main")).isEqualTo(db.fetchCount(SIGNUP, SIGNUP.WAITLIST.eq("main")));
    }

    private void assertAllPositionsMatch() {
        for (var signup : db.selectFrom(SIGNUP).where(SIGNUP.ID.mod(17).eq(1L)).fetch()) {
            int plainCount = 1 + db.fetchCount(SIGNUP, SIGNUP.WAITLIST.eq(signup.getWaitlist())
                    .and(row(SIGNUP.POSITION_KEY, SIGNUP.CONFIRMATION_ORDER)
                            .lt(signup.getPositionKey(), signup.getConfirmationOrder())));
            assertThat(signups.position(db, signup.getWaitlist(), signup.getPositionKey(), signup.getConfirmationOrder()))
                    .as("signup %d with key %d", signup.getId(), signup.getPositionKey())
                    .isEqualTo(plainCount);
        }
    }
}
