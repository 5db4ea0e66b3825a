package dev.launchline.db;

import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A statement whose SQL text never changes, run with plain JDBC on the caller's transaction.
 * Only for the inserts every single signup makes, and the mail sender's claim and "sent" mark
 * that run with every batch: there jOOQ's query building, rendering and result-metadata mapping
 * cost more CPU than PostgreSQL's work (JFR under SignupSteadySimulation), and the sender's
 * jOOQ code, run a few times a second, was still being compiled by C2 minutes into a load test.
 * Everything else stays jOOQ. Failures surface as jOOQ's DataAccessException, like any query,
 * so the error mapper treats them alike (503 when the database is unreachable).
 */
public final class FixedStatement {
    private final String sql;

    public FixedStatement(String sql) {
        this.sql = sql;
    }

    /** Runs it and returns the first column of the first row it returned ({@code returning id}), if any. */
    public Optional<Long> returningLong(DSLContext tx, Object... parameters) {
        return tx.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getLong(1)) : Optional.<Long>empty();
                }
            } catch (SQLException failed) {
                throw translate(failed);
            }
        });
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Runs a query and maps every row it returned. */
    public <T> List<T> query(DSLContext tx, RowMapper<T> mapper, Object... parameters) {
        return tx.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                try (ResultSet rows = statement.executeQuery()) {
                    return mapAll(rows, mapper);
                }
            } catch (SQLException failed) {
                throw translate(failed);
            }
        });
    }

    /**
     * Runs a text of several statements, sent together in one round trip, and maps the rows of the
     * last one's result: the statements before it run for their effect (e.g. set_config for the
     * query after them, which PostgreSQL plans only once they have run).
     */
    public <T> List<T> queryLast(DSLContext tx, RowMapper<T> mapper, Object... parameters) {
        return tx.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                boolean rows = statement.execute();
                ResultSet last = null;
                while (rows || statement.getUpdateCount() != -1) {
                    if (rows) {
                        if (last != null) {
                            last.close();
                        }
                        last = statement.getResultSet();
                    }
                    // keep this result open: it is the one to read if no other follows
                    rows = statement.getMoreResults(Statement.KEEP_CURRENT_RESULT);
                }
                if (last == null) {
                    return List.<T>of();
                }
                try (ResultSet result = last) {
                    return mapAll(result, mapper);
                }
            } catch (SQLException failed) {
                throw translate(failed);
            }
        });
    }

    private static <T> List<T> mapAll(ResultSet rows, RowMapper<T> mapper) throws SQLException {
        List<T> mapped = new ArrayList<>();
        while (rows.next()) {
            mapped.add(mapper.map(rows));
        }
        return mapped;
    }

    /** The SQL text, e.g. for a test to EXPLAIN it. */
    public String sql() {
        return sql;
    }

    public int execute(DSLContext tx, Object... parameters) {
        return tx.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters);
                statement.execute(); // an update, or a select run for its effect (set_config)
                return Math.max(statement.getUpdateCount(), 0);
            } catch (SQLException failed) {
                throw translate(failed);
            }
        });
    }

    /** Also GroupCommit's: the same binding for the same kind of fixed statement. */
    static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]); // null: PostgreSQL infers the column's type
        }
    }

    private DataAccessException translate(SQLException failed) {
        return translate(sql, failed);
    }

    static DataAccessException translate(String sql, SQLException failed) {
        return new DataAccessException("SQL [" + sql + "]; " + failed.getMessage(), failed);
    }
}
