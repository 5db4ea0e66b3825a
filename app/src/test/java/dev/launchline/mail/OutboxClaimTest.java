package dev.launchline.mail;

import dev.launchline.db.Database;
import dev.launchline.db.FixedStatement;
import dev.launchline.support.TestDatabases;
import org.jooq.DSLContext;
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
 * The sender's claim. After a burst of mail, 27,000 sent emails have left dead entries in the due
 * index (VACUUM has not come round yet, the table has no statistics), one email is due: the claim
 * must walk the index, which marks dead entries as it passes them, and not rebuild a bitmap of all
 * of them at every claim. And what a claim holds, nobody else takes until it ends.
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
            database.dsl().execute("update outbox_email set status = 'sent', sent_at = now(), attempts = 1");
            outbox.enqueue(database.dsl(), new OutgoingEmail("confirmation", "hello@launchline.test",
                    "late@rocket-users.test", Optional.empty(), "Confirm", "text", "<p>html</p>", Optional.empty()), null, null);

            assertThat(outbox.<List<ClaimedEmail>>holdDue(50, QueueHead.START, held -> held))
                    .extracting(email -> email.email().getRecipient()).containsExactly("late@rocket-users.test");
            String plan = database.dsl().transactionResult(configuration -> {
                DSLContext tx = configuration.dsl();
                tx.fetch(OutboxRepository.SETTINGS); // as the claim runs: these settings, then it
                // bound as holdDue binds it (JDBC)
                return new FixedStatement("explain " + OutboxRepository.CLAIM.sql()).query(tx, row -> row.getString(1),
                        outbox.now(), QueueHead.START, outbox.now(), 50).toString();
            });
            assertThat(plan).contains("Index Scan using outbox_email_due_idx").doesNotContain("Bitmap");

            // The burst's dead entries all sort before the queue's head: a claim from near the head
            // (QueueHead) does not pass them. Buffers read, not time: a count the same on any machine.
            OffsetDateTime head = database.dsl().fetchValue(OUTBOX_EMAIL.NEXT_ATTEMPT_AT,
                    OUTBOX_EMAIL.RECIPIENT.eq("late@rocket-users.test"));
            int fromTheStart = buffersRead(database, outbox, QueueHead.START);
            int fromTheHead = buffersRead(database, outbox, head.minus(QueueHead.MARGIN));
            assertThat(fromTheStart).as("buffers read by a claim from the start").isGreaterThan(50);
            assertThat(fromTheHead).as("buffers read by a claim from the head").isLessThan(10);
            // and VACUUM clears the dead entries after a thousand changes, not after a fifth of the table (V14)
            assertThat(database.dsl().fetchValue("select array_to_string(reloptions, ',') from pg_class where relname = 'outbox_email'"))
                    .asString().contains("autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000");
        }
    }

    @Test
    void the_settings_before_a_mark_hold_for_its_own_implicit_transaction_only() {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2)) {
            database.migrate();
            String settings = "select current_setting('enable_bitmapscan') || ' ' || current_setting('synchronous_commit')";
            String before = database.dsl().fetchValue(settings).toString();

            // the settings and the statement after them, sent together outside any transaction of ours
            List<String> seen = new FixedStatement(OutboxRepository.SETTINGS + ";\n" + settings)
                    .queryLast(database.dsl(), row -> row.getString(1));

            // (a test database may run with synchronous_commit off for speed: the settings turn it off regardless)
            assertThat(before).startsWith("on ");
            assertThat(seen).containsExactly("off off");
            // for that implicit transaction only: the pool's next user has the database's own settings again
            assertThat(database.dsl().fetchValue(settings).toString()).isEqualTo(before);
        }
    }

    @Test
    void what_a_claim_holds_nobody_else_takes_its_marks_do_not_wait_and_the_rest_is_due_when_it_ends() {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 4)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            for (String recipient : List.of("first@rocket-users.test", "second@rocket-users.test")) {
                outbox.enqueue(database.dsl(), new OutgoingEmail("confirmation", "hello@launchline.test",
                        recipient, Optional.empty(), "Confirm", "text", "<p>html</p>", Optional.empty()), null, null);
            }
            List<String> held = outbox.holdDue(50, QueueHead.START, emails -> {
                assertThat(outbox.<List<ClaimedEmail>>holdDue(50, QueueHead.START, other -> other)).as("another sender's claim").isEmpty();
                assertThat(database.dsl().fetch(OutboxTest.PREVIOUS_RELEASE_CLAIM)).as("the previous release's claim").isEmpty();
                // the "sent" mark commits at once, on another connection, without waiting for the claim
                assertThat(outbox.markSent(emails.get(0).email().getId())).isTrue();
                assertThat(outbox.markSent(emails.get(0).email().getId())).as("marked once").isFalse();
                return emails.stream().map(email -> email.email().getRecipient()).toList();
            });
            assertThat(held).containsExactly("first@rocket-users.test", "second@rocket-users.test"); // earliest due first
            assertThat(database.dsl().fetchValue("select status from outbox_email where recipient = 'first@rocket-users.test'"))
                    .isEqualTo("sent");
            // the claim ended without sending the second: it is due for anyone at once
            assertThat(outbox.<List<ClaimedEmail>>holdDue(50, QueueHead.START, emails -> emails)).extracting(email -> email.email().getRecipient())
                    .containsExactly("second@rocket-users.test");
            // and so it is when the claim fails (the sender's connection lost, an exception)
            try {
                outbox.<Void>holdDue(50, QueueHead.START, emails -> {
                    throw new IllegalStateException("the sender died");
                });
            } catch (IllegalStateException expected) {
                // as the worker's loop would see it
            }
            assertThat(outbox.<List<ClaimedEmail>>holdDue(50, QueueHead.START, emails -> emails)).hasSize(1);
        }
    }

    /** Shared buffers the claim reads (EXPLAIN ANALYZE, rolled back: nothing is held). */
    private static int buffersRead(Database database, OutboxRepository outbox, OffsetDateTime from) {
        List<String> plan = database.dsl().transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            tx.fetch(OutboxRepository.SETTINGS);
            Object[] parameters = {outbox.now(), from, outbox.now(), 1};
            // once to mark the index entries dead as it passes them, as the sender's earlier claims have
            new FixedStatement("explain (analyze, costs off, timing off) " + OutboxRepository.CLAIM.sql())
                    .query(tx, row -> row.getString(1), parameters);
            List<String> lines = new FixedStatement("explain (analyze, buffers, costs off, timing off) " + OutboxRepository.CLAIM.sql())
                    .query(tx, row -> row.getString(1), parameters);
            tx.rollback().execute();
            return lines;
        });
        Matcher hit = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?").matcher(String.join("\n", plan));
        assertThat(hit.find()).as("buffers in %s", plan).isTrue();
        return Integer.parseInt(hit.group(1)) + (hit.group(2) == null ? 0 : Integer.parseInt(hit.group(2)));
    }
}
