package dev.launchline.db;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One fixed statement, run for many request threads at once: each caller hands over its
 * parameters and waits; a writer thread takes whatever has queued up meanwhile, sends it to
 * PostgreSQL as one JDBC batch in one transaction, and answers every caller once that
 * transaction has committed. Nobody gets an answer before their row is durable.
 *
 * <p>Why: PostgreSQL spends most of a one-row transaction on what every transaction costs, a
 * round trip, a commit and a WAL flush, each a system call and a wake-up that are expensive on
 * this kind of virtual machine. pgbench with the signup statement on the embedded PostgreSQL
 * (2 cores): one signup per transaction 3,400/s at 0.49 ms of PostgreSQL CPU each; sixteen per
 * transaction 8,800/s at 0.15 ms. Nothing waits for a batch to fill: a batch is what arrived
 * while the previous one was being written, so an idle service writes a lone row at once, on
 * its own (autocommit, one round trip, as before), and a busy one writes bigger batches.
 *
 * <p>Each row is a statement of its own inside the batch, with its own update count. A batch
 * that fails on its connection (PostgreSQL refused one statement, or the connection was lost)
 * is rolled back whole and its rows are written again one at a time on another connection, so
 * one bad row fails only its own caller and a killed connection loses nobody. When the pool
 * has no connection to give, all the batch's callers get that error, as their own statements
 * would have.
 */
public final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    /** Request threads are bounded (HTTP_THREADS), so a batch rarely gets near this. */
    static final int MAX_BATCH = 128;
    private static final Object CLOSE = new Object();

    private record Pending(Object[] parameters, CompletableFuture<Integer> updated) {
    }

    private final String name;
    private final DSLContext db;
    private final String sql;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private final DistributionSummary batchSizes;
    private final Timer writeTimes;
    private volatile boolean closed;

    /**
     * @param name    names the writer threads and tags the batch-size metric
     * @param writers threads writing batches side by side: with two, one batch fills while the
     *                other waits for its commit
     */
    public GroupCommit(String name, DSLContext db, String sql, int writers, MeterRegistry registry) {
        this.name = name;
        this.db = db;
        this.sql = sql;
        this.batchSizes = DistributionSummary.builder("launchline.db.group.commit.rows")
                .description("rows written per transaction by the group-committed statement, by statement")
                .tag("statement", name)
                .publishPercentiles(0.5, 0.95)
                .register(registry);
        // What every caller in a batch waits for beyond its turn: PostgreSQL writing and committing
        // it. Its tail is the database's disk (a WAL flush queued behind the kernel writing back
        // data pages took 20-80 ms under load), which the request latency alone cannot tell apart
        // from the service's own CPU.
        this.writeTimes = Timer.builder("launchline.db.group.commit.duration")
                .description("time to write and commit one batch of the group-committed statement, by statement")
                .tag("statement", name)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
        for (int i = 0; i < writers; i++) {
            Thread writer = Thread.ofPlatform().name(name + "-writer-" + i).daemon().unstarted(this::write);
            this.writers.add(writer);
            writer.start();
        }
    }

    /**
     * Runs the statement with these parameters and returns how many rows it changed, once the
     * transaction it ran in has committed. Failures are jOOQ's DataAccessException, as from
     * any other query.
     */
    public int execute(Object... parameters) {
        if (closed) {
            throw new IllegalStateException(name + " is closed: the service is shutting down");
        }
        Pending pending = new Pending(parameters, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.updated().join();
        } catch (CompletionException failed) {
            if (failed.getCause() instanceof RuntimeException cause) {
                throw cause; // as the caller's own statement would have thrown it (DataAccessException)
            }
            throw failed;
        }
    }

    /** Callers waiting for a writer to take their row (for tests). */
    int queued() {
        return (int) queue.stream().filter(Pending.class::isInstance).count();
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        List<Object> taken = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(taken, MAX_BATCH - 1);
            boolean closing = false;
            for (Object item : taken) {
                if (item == CLOSE) {
                    closing = true;
                } else {
                    batch.add((Pending) item);
                }
            }
            if (!batch.isEmpty()) {
                write(batch);
            }
            batch.clear();
            taken.clear();
            if (closing) {
                queue.add(CLOSE); // passed on: the other writers stop at it too
                return;
            }
        }
    }

    private void write(List<Pending> batch) {
        batchSizes.record(batch.size());
        long started = System.nanoTime();
        try {
            writeOrRetry(batch);
        } finally {
            writeTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void writeOrRetry(List<Pending> batch) {
        try {
            int[] updated = db.connectionResult(connection -> batch.size() == 1
                    ? new int[] {executeOne(connection, batch.getFirst())}
                    : executeBatch(connection, batch));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).updated().complete(updated[i]);
            }
        } catch (FailedOnConnection failed) {
            // the SQLSTATE only: a failed batch's message quotes its bound values, i.e. email addresses
            log.warn("{}: writing {} row(s) failed (SQLSTATE {}); writing them again one at a time", name,
                    batch.size(), failed.getCause().sqlState());
            writeOneByOne(batch);
        } catch (RuntimeException | Error failed) {
            // no connection to be had: every caller gets the error its own statement would have met
            batch.forEach(pending -> pending.updated().completeExceptionally(failed));
        }
    }

    /**
     * Each row on its own, in autocommit, on a connection of its own; a row's failure is now its
     * caller's answer. A row the failed attempt did commit (the connection died after COMMIT)
     * finds itself already there and answers 0, as a repeat signup does: nothing is written twice.
     */
    private void writeOneByOne(List<Pending> batch) {
        try {
            db.connection(connection -> {
                for (Pending pending : batch) {
                    try {
                        pending.updated().complete(executeOne(connection, pending));
                    } catch (FailedOnConnection failed) {
                        pending.updated().completeExceptionally(failed.getCause());
                    }
                }
            });
        } catch (RuntimeException failed) {
            batch.forEach(pending -> pending.updated().completeExceptionally(failed));
        }
    }

    /** A lone row: autocommit, one round trip, as if there were no batching. */
    private int executeOne(Connection connection, Pending pending) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            FixedStatement.bind(statement, pending.parameters());
            return statement.executeUpdate();
        } catch (SQLException failed) {
            throw new FailedOnConnection(FixedStatement.translate(sql, failed));
        }
    }

    /**
     * All rows in one transaction. PgJDBC sends the batch's statements without waiting for
     * each answer, so this is two round trips (the batch, then COMMIT) however many rows.
     */
    private int[] executeBatch(Connection connection, List<Pending> batch) {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (Pending pending : batch) {
                    FixedStatement.bind(statement, pending.parameters());
                    statement.addBatch();
                }
                int[] updated = statement.executeBatch();
                connection.commit();
                return updated;
            }
        } catch (SQLException failed) {
            // a statement PostgreSQL refused, or the connection lost mid-batch: either way the
            // transaction is gone, and the rows are written again one by one
            rollbackQuietly(connection);
            throw new FailedOnConnection(FixedStatement.translate(sql, failed));
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException broken) {
                // the connection is broken; the pool discards it
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    /** A statement that failed on a connection the pool did give us (as opposed to no connection at all). */
    private static final class FailedOnConnection extends RuntimeException {
        FailedOnConnection(DataAccessException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized DataAccessException getCause() {
            return (DataAccessException) super.getCause();
        }
    }

    /**
     * Writes what is queued, then stops the writers. Call it after the HTTP server has stopped:
     * requests still in flight then have their rows written, not refused.
     */
    @Override
    public void close() {
        closed = true;
        queue.add(CLOSE);
        for (Thread writer : writers) {
            try {
                writer.join(Duration.ofSeconds(30));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // a caller that got past the closed check as the writers stopped is told, not left waiting
        queue.forEach(item -> {
            if (item instanceof Pending pending) {
                pending.updated().completeExceptionally(new IllegalStateException(name + " is closed"));
            }
        });
    }
}
