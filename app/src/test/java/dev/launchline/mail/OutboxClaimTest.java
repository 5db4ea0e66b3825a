package dev.launchline.mail;

import dev.launchline.db.Database;
import dev.launchline.db.FixedStatement;
import dev.launchline.support.TestDatabases;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease after a burst of mail: 27,000 sent emails have left dead entries in the due index
 * (VACUUM has not come round yet, the table has no statistics), one email is due. The lease must
 * walk the index, which marks dead entries as it passes them, and not rebuild a bitmap of all of
 * them at every claim.
 */
class OutboxClaimTest {

    @Test
    void after_a_burst_the_lease_walks_the_due_index_instead_of_revisiting_every_sent_email() {
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

            assertThat(outbox.lease(50, QueueHead.START, outbox.now().plusMinutes(1), "test"))
                    .extracting(email -> email.email().getRecipient()).containsExactly("late@rocket-users.test");
            String plan = database.dsl().transactionResult(configuration -> {
                DSLContext tx = configuration.dsl();
                tx.fetch(OutboxRepository.SETTINGS); // as the lease runs: these settings, then it
                // bound as lease binds it (JDBC); EXPLAIN without ANALYZE does not run the update
                return new FixedStatement("explain " + OutboxRepository.LEASE.sql()).query(tx, row -> row.getString(1),
                        outbox.now(), QueueHead.START, outbox.now(), 50, outbox.now().plusMinutes(1), "test").toString();
            });
            assertThat(plan).contains("Index Scan using outbox_email_due_idx").doesNotContain("Bitmap");

            // The burst's dead entries all sort before the queue's head: a lease from near the head
            // (QueueHead) does not pass them. Buffers read, not time: a count the same on any machine.
            OffsetDateTime head = database.dsl().fetchValue(OUTBOX_EMAIL.NEXT_ATTEMPT_AT,
                    OUTBOX_EMAIL.RECIPIENT.eq("late@rocket-users.test"));
            database.dsl().execute("update outbox_email set status = 'pending', locked_by = null, locked_until = null"
                    + " where recipient = 'late@rocket-users.test'");
            int fromTheStart = buffersRead(database, outbox, QueueHead.START);
            int fromTheHead = buffersRead(database, outbox, head.minus(QueueHead.MARGIN));
            assertThat(fromTheStart).as("buffers read by a lease from the start").isGreaterThan(50);
            assertThat(fromTheHead).as("buffers read by a lease from the head").isLessThan(10);
            // and VACUUM clears the dead entries after a thousand changes, not after a fifth of the table (V14)
            assertThat(database.dsl().fetchValue("select array_to_string(reloptions, ',') from pg_class where relname = 'outbox_email'"))
                    .asString().contains("autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000");
        }
    }

    @Test
    void the_settings_before_a_lease_or_mark_hold_for_its_own_implicit_transaction_only() {
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
    void a_lease_is_the_senders_alone_until_it_runs_out_and_only_its_holder_can_finish_the_email() {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            for (String recipient : List.of("first@rocket-users.test", "second@rocket-users.test")) {
                outbox.enqueue(database.dsl(), new OutgoingEmail("confirmation", "hello@launchline.test",
                        recipient, Optional.empty(), "Confirm", "text", "<p>html</p>", Optional.empty()), null, null);
            }
            List<ClaimedEmail> leased = outbox.lease(50, QueueHead.START, outbox.now().plusMinutes(1), "a");
            assertThat(leased).extracting(email -> email.email().getRecipient())
                    .containsExactly("first@rocket-users.test", "second@rocket-users.test"); // earliest due first
            assertThat(outbox.lease(50, QueueHead.START, outbox.now().plusMinutes(1), "b")).as("leased to a").isEmpty();
            // the release before this one (a rollback, or a rolling deploy) honours the lease too: its claim, verbatim
            assertThat(database.dsl().fetch("""
                    select o.id from outbox_email o
                    where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < now()))
                      and o.next_attempt_at >= '-infinity' and o.next_attempt_at <= now()
                    order by o.next_attempt_at limit 1 for update of o skip locked""")).as("the previous release's claim").isEmpty();
            long first = leased.get(0).email().getId();
            long second = leased.get(1).email().getId();
            assertThat(outbox.markSent(first, "b")).as("b holds no lease on it").isFalse();
            assertThat(outbox.markSent(first, "a")).isTrue();
            assertThat(outbox.markSent(first, "a")).as("marked once").isFalse();

            // a lease that ran out (its sender died): the email is due for anyone, and the old holder cannot finish it
            database.dsl().execute("update outbox_email set locked_until = now() - interval '1 second' where id = " + second);
            assertThat(outbox.lease(50, QueueHead.START, outbox.now().plus(Duration.ofMinutes(1)), "b"))
                    .extracting(email -> email.email().getId()).containsExactly(second);
            assertThat(outbox.handBack(List.of(second), "a")).isZero();
            assertThat(outbox.extendLease(List.of(second), "a", outbox.now().plusMinutes(5))).isEmpty();
            assertThat(outbox.handBack(List.of(second), "b")).isOne();
            assertThat(database.dsl().fetch("select status, locked_by, locked_until from outbox_email where id = " + second)
                    .get(0).intoArray()).containsExactly("pending", null, null);
            assertThat(database.dsl().fetchValue("select status from outbox_email where id = " + first)).isEqualTo("sent");
        }
    }

    /** Shared buffers the lease reads (EXPLAIN ANALYZE, rolled back: nothing is leased). */
    private static int buffersRead(Database database, OutboxRepository outbox, OffsetDateTime from) {
        List<String> plan = database.dsl().transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            tx.fetch(OutboxRepository.SETTINGS);
            Object[] parameters = {outbox.now(), from, outbox.now(), 1, outbox.now().plusMinutes(1), "test"};
            // once to mark the index entries dead as it passes them, as the sender's earlier leases have
            new FixedStatement("explain (analyze, costs off, timing off) " + OutboxRepository.LEASE.sql())
                    .query(tx, row -> row.getString(1), parameters);
            List<String> lines = new FixedStatement("explain (analyze, buffers, costs off, timing off) " + OutboxRepository.LEASE.sql())
                    .query(tx, row -> row.getString(1), parameters);
            tx.rollback().execute();
            return lines;
        });
        Matcher hit = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?").matcher(String.join("\n", plan));
        assertThat(hit.find()).as("buffers in %s", plan).isTrue();
        return Integer.parseInt(hit.group(1)) + (hit.group(2) == null ? 0 : Integer.parseInt(hit.group(2)));
    }
}
