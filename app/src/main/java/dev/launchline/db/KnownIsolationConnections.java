package dev.launchline.db;

import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.tools.jdbc.DefaultConnection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * jOOQ's connections from the pool, minus one round trip per transaction. At every begin,
 * jOOQ's transaction provider asks the connection for its isolation level, and PgJDBC answers
 * that by running "SHOW TRANSACTION ISOLATION LEVEL" on the server: one extra round trip per
 * signup (JFR under SignupSteadySimulation). The service never changes the level, so the
 * connection answers from what it knows: PostgreSQL's default, or whatever was last set on it.
 */
final class KnownIsolationConnections extends DataSourceConnectionProvider {

    KnownIsolationConnections(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    public Connection acquire() {
        return new KnownIsolationConnection(super.acquire());
    }

    @Override
    public void release(Connection connection) {
        super.release(connection instanceof KnownIsolationConnection known ? known.getDelegate() : connection);
    }

    private static final class KnownIsolationConnection extends DefaultConnection {
        private int isolation = Connection.TRANSACTION_READ_COMMITTED; // PostgreSQL's default

        KnownIsolationConnection(Connection delegate) {
            super(delegate);
        }

        @Override
        public int getTransactionIsolation() {
            return isolation;
        }

        @Override
        public void setTransactionIsolation(int level) throws SQLException {
            super.setTransactionIsolation(level);
            isolation = level;
        }
    }
}
