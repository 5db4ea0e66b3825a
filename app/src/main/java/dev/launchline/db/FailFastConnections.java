package dev.launchline.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool, failing fast while the database is unreachable (a circuit breaker).
 *
 * <p>Why: with the database gone, HikariCP makes every caller wait its whole connection timeout
 * (5 s) for a connection that never comes. Each signup took 5 s to get its 503, and meanwhile held
 * one of the instance's turns, so an outage of the database also looked like an overload of the
 * service (issue 18). Now the first caller that times out (or is refused at the connection level)
 * opens the breaker: from then on callers get the same {@link SQLTransientConnectionException} at
 * once, which the HTTP layer answers "503, nothing saved, retry". One background check asks the
 * database every {@code retryEvery} on a pool of its own and closes the breaker when it answers,
 * so no request waits to find out.
 */
final class FailFastConnections implements DataSource {
    private static final Logger log = LoggerFactory.getLogger(FailFastConnections.class);

    private final DataSource pool;
    private final DataSource probe;
    private final Duration retryEvery;
    private final AtomicBoolean open = new AtomicBoolean();
    private final LongAdder refused = new LongAdder();
    private volatile boolean closed;

    /**
     * @param pool       the service's pool
     * @param probe      a separate pool (readiness's), so the check never queues behind requests
     * @param retryEvery how often the open breaker asks whether the database is back
     */
    FailFastConnections(DataSource pool, DataSource probe, Duration retryEvery) {
        this.pool = pool;
        this.probe = probe;
        this.retryEvery = retryEvery;
    }

    @Override
    public Connection getConnection() throws SQLException {
        refuseWhileOpen();
        try {
            return pool.getConnection();
        } catch (SQLException failed) {
            if (unreachable(failed)) {
                trip(failed);
            }
            throw failed;
        }
    }

    /** Throws at once, as the pool would after its timeout, while the database is known to be gone. */
    void refuseWhileOpen() throws SQLTransientConnectionException {
        if (open.get()) {
            refused.increment();
            throw new SQLTransientConnectionException(
                    "the database is unreachable; failing fast until it answers again", "08001");
        }
    }

    boolean isOpen() {
        return open.get();
    }

    /** Requests answered at once because the breaker was open. */
    long refusedCount() {
        return refused.sum();
    }

    void close() {
        closed = true;
    }

    static boolean unreachable(SQLException failed) {
        return failed instanceof SQLTransientConnectionException
                || (failed.getSQLState() != null && failed.getSQLState().startsWith("08"));
    }

    private void trip(SQLException cause) {
        if (closed || !open.compareAndSet(false, true)) {
            return;
        }
        log.warn("database unreachable ({}): answering 503 at once and checking every {} ms until it is back",
                cause.getClass().getSimpleName(), retryEvery.toMillis());
        Thread.ofPlatform().daemon().name("database-breaker").start(this::checkUntilBack);
    }

    private void checkUntilBack() {
        while (open.get() && !closed) {
            try {
                Thread.sleep(retryEvery);
            } catch (InterruptedException stop) {
                return;
            }
            try (Connection connection = probe.getConnection()) {
                if (connection.isValid(2)) {
                    open.set(false);
                    log.info("database reachable again: taking requests");
                }
            } catch (SQLException stillGone) {
                // the next check is retryEvery from now
            }
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        refuseWhileOpen();
        return pool.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
