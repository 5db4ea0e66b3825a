package dev.launchline.db;

import dev.launchline.support.Eventually;
import dev.launchline.support.TestDatabases;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Many callers, one transaction: each caller still gets its own row's answer, only after the
 * commit, and one bad row fails only its own caller. To make batches form on demand, a second
 * connection holds the table locked while callers queue up behind the writers.
 */
class GroupCommitTest {
    private static final String INSERT = "insert into item (id, name) values (?, ?) on conflict do nothing";

    private String url;
    private Database database;
    private SimpleMeterRegistry registry;
    private GroupCommit items;
    private final ExecutorService callers = Executors.newFixedThreadPool(80);

    @BeforeEach
    void start() {
        url = TestDatabases.fresh();
        database = new Database(url, Optional.of("postgres"), Optional.empty(), 4);
        database.dsl().execute("create table item (id int primary key, name text not null check (name not like '%@%'))");
        registry = new SimpleMeterRegistry();
        items = new GroupCommit("item", database.dsl(), INSERT, 2, registry);
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
        items.close();
        database.close();
    }

    @Test
    void callers_queued_together_share_a_transaction_and_each_learns_whether_its_own_row_was_new() throws Exception {
        database.dsl().execute("insert into item values (7, 'there before')");
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        try (Connection locker = lockTable()) {
            answers.addAll(queuedBehindTheLock(60)); // two rows held by the writers, 58 in the queue
            assertThat(answers).noneMatch(CompletableFuture::isDone); // nobody is answered before the commit
            assertThat(database.dsl().fetchCount(database.dsl().selectFrom("item"))).isEqualTo(1);
            locker.rollback();
        }

        for (int id = 0; id < 60; id++) {
            assertThat(answers.get(id).get()).as("row %d", id).isEqualTo(id == 7 ? 0 : 1);
        }
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("item"))).isEqualTo(60);
        DistributionSummary rows = registry.get("launchline.db.group.commit.rows").tag("statement", "item").summary();
        assertThat(rows.totalAmount()).isEqualTo(60);
        assertThat(rows.max()).as("rows in the biggest transaction").isGreaterThan(1);
        assertThat(rows.count()).as("transactions").isLessThan(60);
    }

    @Test
    void each_batch_times_its_write_and_commit_so_a_slow_database_shows_apart_from_the_queue() throws Exception {
        List<CompletableFuture<Integer>> answers;
        try (Connection locker = lockTable()) {
            answers = blockBothWriters(0, 1); // each writer's batch is in PostgreSQL, waiting
            Thread.sleep(300);
            locker.rollback();
        }

        for (CompletableFuture<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(1);
        }
        Timer writes = registry.get("launchline.db.group.commit.duration").tag("statement", "item").timer();
        // a batch's time is recorded just after its callers are answered: wait for the second one
        Eventually.get(() -> Optional.of(writes.count()).filter(count -> count >= 2), Duration.ofSeconds(5));
        assertThat(writes.count()).as("batches").isEqualTo(2);
        assertThat(writes.max(TimeUnit.MILLISECONDS)).as("the slower batch, held by the lock").isGreaterThanOrEqualTo(300);
    }

    @Test
    void a_row_postgresql_rejects_fails_its_own_caller_and_the_rest_of_its_batch_is_stored() throws Exception {
        List<CompletableFuture<Integer>> good = new ArrayList<>();
        CompletableFuture<Integer> bad;
        try (Connection locker = lockTable()) {
            good.addAll(blockBothWriters(1, 2));
            for (int id = 3; id < 10; id++) {
                good.add(insertAsync(id, "item " + id));
            }
            bad = insertAsync(100, "an-address@example.test"); // refused by the table's check
            for (int id = 10; id < 20; id++) {
                good.add(insertAsync(id, "item " + id));
            }
            awaitQueued(18); // one batch: PostgreSQL rejects it whole, and its rows go again one by one
            locker.rollback();
        }

        assertThatThrownBy(bad::join).hasCauseInstanceOf(DataAccessException.class)
                .cause().hasMessageContaining("item_name_check");
        // the caller's error names the constraint, never the row's values (they reach logs and Sentry)
        for (Throwable cause = bad.handle((ok, failed) -> failed).get(); cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("an-address");
        }
        for (CompletableFuture<Integer> answer : good) {
            assertThat(answer.get()).isEqualTo(1);
        }
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("item"))).isEqualTo(19);
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("item").where("id = 100"))).isZero();
    }

    @Test
    void rows_whose_connection_is_killed_are_written_again_once_on_another_connection() throws Exception {
        List<CompletableFuture<Integer>> batch = new ArrayList<>();
        List<CompletableFuture<Integer>> lone;
        try (Connection locker = lockTable()) {
            lone = blockBothWriters(0, 1);
            for (int id = 2; id < 12; id++) {
                batch.add(insertAsync(id, "item " + id));
            }
            awaitQueued(10);
            killWritersWaitingForTheLock();      // the two lone rows lose their connections ...
            awaitWritersWaitingForTheLock(2);    // ... and wait again, each on a new one
            killWritersWaitingForTheLock();      // a second loss is their callers' answer
            for (CompletableFuture<Integer> answer : lone) {
                assertThatThrownBy(answer::join).hasCauseInstanceOf(DataAccessException.class);
            }
            awaitQueued(0);                      // the writers took the ten, in one batch or two
            awaitSomeWriterWaitingForTheLock();
            killWritersWaitingForTheLock();      // and lose their connections mid-batch
            awaitSomeWriterWaitingForTheLock();  // the ten again, one by one, on fresh connections
            assertThat(batch).noneMatch(CompletableFuture::isDone);
            locker.rollback();
        }

        for (CompletableFuture<Integer> answer : batch) {
            assertThat(answer.get()).isEqualTo(1);
        }
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("item"))).isEqualTo(10);
    }

    @Test
    void closing_writes_the_rows_already_queued_and_then_refuses_new_ones() throws Exception {
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        CompletableFuture<Void> closed;
        try (Connection locker = lockTable()) {
            answers.addAll(queuedBehindTheLock(12));
            closed = CompletableFuture.runAsync(items::close, callers);
            Thread.sleep(200); // close() is now waiting for the writers, which wait for the lock
            assertThat(closed).isNotDone();
            locker.rollback();
        }

        closed.get();
        for (CompletableFuture<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(1);
        }
        assertThat(database.dsl().fetchCount(database.dsl().selectFrom("item"))).isEqualTo(12);
        assertThatThrownBy(() -> items.execute(99, "late")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shutting down");
    }

    private CompletableFuture<Integer> insertAsync(int id, String name) {
        return CompletableFuture.supplyAsync(() -> items.execute(id, name), callers);
    }

    /** Rows 0 and 1 held by the two writers, blocked on the lock; rows 2 to count - 1 in the queue. */
    private List<CompletableFuture<Integer>> queuedBehindTheLock(int count) {
        List<CompletableFuture<Integer>> answers = new ArrayList<>(blockBothWriters(0, 1));
        for (int id = 2; id < count; id++) {
            answers.add(insertAsync(id, "item " + id));
        }
        awaitQueued(count - 2);
        return answers;
    }

    /** One row for each writer, each then waiting for the lock: whatever comes next queues. */
    private List<CompletableFuture<Integer>> blockBothWriters(int first, int second) {
        CompletableFuture<Integer> one = insertAsync(first, "item " + first);
        awaitWritersWaitingForTheLock(1);
        CompletableFuture<Integer> two = insertAsync(second, "item " + second);
        awaitWritersWaitingForTheLock(2);
        return List.of(one, two);
    }

    private void awaitWritersWaitingForTheLock(int writers) {
        Eventually.get(() -> database.dsl().fetchOne("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'""").get(0, Integer.class) == writers
                ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(10));
    }

    /** Terminates the backends waiting for the lock, and waits until they are gone. */
    private void killWritersWaitingForTheLock() {
        List<Integer> killed = database.dsl().fetch("""
                select pid from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'""").getValues(0, Integer.class);
        killed.forEach(pid -> database.dsl().fetch("select pg_terminate_backend(?)", pid));
        Eventually.get(() -> database.dsl().fetchOne("select count(*) from pg_stat_activity where pid = any(?)",
                (Object) killed.toArray(Integer[]::new)).get(0, Integer.class) == 0
                ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(10));
    }

    private void awaitSomeWriterWaitingForTheLock() {
        Eventually.get(() -> database.dsl().fetchOne("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'""").get(0, Integer.class) > 0
                ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(10));
    }

    private void awaitQueued(int callers) {
        Eventually.get(() -> items.queued() == callers ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(10));
    }

    /** A transaction of its own holding the table: the writers' inserts wait until it ends. */
    private Connection lockTable() throws SQLException {
        Connection connection = DriverManager.getConnection(url, "postgres", "");
        connection.setAutoCommit(false);
        connection.createStatement().execute("lock table item in exclusive mode");
        return connection;
    }
}
