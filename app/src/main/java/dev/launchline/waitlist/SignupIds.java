package dev.launchline.waitlist;

import org.jooq.DSLContext;

import java.util.ArrayDeque;

/**
 * Signup ids taken ahead from the identity column's own sequence, a block at a time. A new
 * signup's confirmation email carries links signed with its id; knowing the id before the
 * insert lets the signup and its email go to PostgreSQL as one statement (one round trip,
 * one commit) instead of a transaction of four messages.
 *
 * <p>Ids stay unique (the sequence hands each out once) but no longer follow arrival order
 * exactly: with several instances each works through its own block, and the admin API's
 * newest-first pages (keyset on id) can show one instance's signup below later ones of another.
 * Keyset paging still neither skips nor repeats a row. A restart leaves at most one block of
 * ids unused, as a rolled-back insert always could.
 */
final class SignupIds {
    static final int BLOCK = 64;

    private final DSLContext db;
    private final ArrayDeque<Long> ahead = new ArrayDeque<>(BLOCK);

    SignupIds(DSLContext db) {
        this.db = db;
    }

    synchronized long next() {
        if (ahead.isEmpty()) {
            // generate_series calls nextval once per row: BLOCK ids, not necessarily consecutive
            db.fetch("select nextval(pg_get_serial_sequence('signup', 'id')) from generate_series(1, ?)", BLOCK)
                    .forEach(row -> ahead.add(row.get(0, Long.class)));
        }
        return ahead.removeFirst();
    }
}
