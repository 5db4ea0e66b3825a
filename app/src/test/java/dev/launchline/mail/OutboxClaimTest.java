package dev.launchline.mail;

import dev.launchline.db.Database;
import dev.launchline.db.FixedStatement;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.support.TestDatabases;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim after a burst of mail: 27,000 sent emails have left dead entries in the due
 * index (VACUUM has not come round yet, the table has no statistics), one email is due. The
 * claim must walk the index, which marks dead entries as it passes them, and not rebuild a
 * bitmap of all of them at every claim.
 */
class OutboxClaimTest {

    @Test
    void after_a_burst_the_claim_walks_the_due_index_instead_of_revisiting_every_sent_email() {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            database.dsl().execute("""
                    insert into outbox_email (message_id, kind, sender, recipient, subject, text_body, html_body, next_attempt_at)
                    select '<burst-' || g || '@launchline.test>', 'confirmation', 'hello@launchline.test',
                           'burst' || g || '@rocket-users.test', 'Confirm', 'text', '<p>html</p>',
                           now() - interval '1 minute' + g * interval '1 ms'
                    from generate_series(1, 27000) g""");
            List<Long> burst = database.dsl().select(OUTBOX_EMAIL.ID).from(OUTBOX_EMAIL).fetch(OUTBOX_EMAIL.ID);
            outbox.inTransaction(tx -> {
                outbox.markSent(tx, burst);
                return null;
            });
            outbox.enqueue(database.dsl(), new OutgoingEmail("confirmation", "hello@launchline.test",
                    "late@rocket-users.test", Optional.empty(), "Confirm", "text", "<p>html</p>", Optional.empty()), null, null);

            String plan = outbox.inTransaction(tx -> {
                List<ClaimedEmail> claimed = outbox.lockDue(tx, 50);
                assertThat(claimed).extracting(email -> email.email().getRecipient()).containsExactly("late@rocket-users.test");
                // bound as lockDue binds it (JDBC), with the session setting it made
                return new FixedStatement("explain " + OutboxRepository.CLAIM.sql())
                        .query(tx, row -> row.getString(1), outbox.now(), QueueHead.START, outbox.now(), 50).toString();
            });
            assertThat(plan).contains("Index Scan using outbox_email_due_idx").doesNotContain("Bitmap");

            // The burst's dead entries all sort before the queue's head: a claim from near the head
            // (QueueHead) does not pass them. Buffers read, not time: a count the same on any machine.
            OffsetDateTime head = database.dsl().fetchValue(OUTBOX_EMAIL.NEXT_ATTEMPT_AT,
                    OUTBOX_EMAIL.RECIPIENT.eq("late@rocket-users.test"));
            int fromTheStart = buffersRead(outbox, QueueHead.START);
            int fromTheHead = buffersRead(outbox, head.minus(QueueHead.MARGIN));
            assertThat(fromTheStart).as("buffers read by a claim from the start").isGreaterThan(50);
            assertThat(fromTheHead).as("buffers read by a claim from the head").isLessThan(10);
            // and VACUUM clears the dead entries after a thousand changes, not after a fifth of the table (V14)
            assertThat(database.dsl().fetchValue("select array_to_string(reloptions, ',') from pg_class where relname = 'outbox_email'"))
                    .asString().contains("autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000");
        }
    }

    @Test
    void a_claim_leaves_its_transaction_without_bitmap_scans_and_with_a_commit_that_does_not_wait_for_the_disk() {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            outbox.enqueue(database.dsl(), new OutgoingEmail("confirmation", "hello@launchline.test",
                    "due@rocket-users.test", Optional.empty(), "Confirm", "text", "<p>html</p>", Optional.empty()), null, null);
            String settings = "select current_setting('enable_bitmapscan') || ' ' || current_setting('synchronous_commit')";

            List<String> seen = outbox.inTransaction(tx -> {
                String before = tx.fetchValue(settings).toString();
                // the settings and the claim go in one round trip: the claim's rows still come back
                assertThat(outbox.lockDue(tx, 1)).extracting(email -> email.email().getRecipient())
                        .containsExactly("due@rocket-users.test");
                return List.of(before, tx.fetchValue(settings).toString());
            });
            // (a test database may run with synchronous_commit off for speed: the claim turns it off regardless)
            assertThat(seen.get(0)).startsWith("on ");
            assertThat(seen.get(1)).isEqualTo("off off");
            // for that transaction only: the pool's next user has the database's own settings again
            assertThat(database.dsl().fetchValue(settings).toString()).isEqualTo(seen.get(0));
        }
    }

    /** Shared buffers the claim reads (EXPLAIN ANALYZE, rolled back: the lock is not kept). */
    private static int buffersRead(OutboxRepository outbox, OffsetDateTime from) {
        List<String> plan = outbox.inTransaction(tx -> {
            outbox.lockDue(tx, 1, from); // the session settings lockDue makes, and index entries marked dead as it passes
            List<String> lines = new FixedStatement("explain (analyze, buffers, costs off, timing off) " + OutboxRepository.CLAIM.sql())
                    .query(tx, row -> row.getString(1), outbox.now(), from, outbox.now(), 1);
            tx.rollback().execute();
            return lines;
        });
        Matcher hit = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?").matcher(String.join("\n", plan));
        assertThat(hit.find()).as("buffers in %s", plan).isTrue();
        return Integer.parseInt(hit.group(1)) + (hit.group(2) == null ? 0 : Integer.parseInt(hit.group(2)));
    }
}
