package dev.launchline.db;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The database did not answer within DATABASE_START_TIMEOUT_SECONDS of a start (or of the migrate
 * command). The message is one line for an operator: where, for how long, and the innermost
 * reason (e.g. "ConnectException: Connection refused"); the URL's query and anything before an
 * {@code @} are left out, so no credential can reach the log.
 */
public final class DatabaseUnreachable extends RuntimeException {
    /** EX_UNAVAILABLE from sysexits.h: a service this one needs is not there. */
    public static final int EXIT_CODE = 69;

    DatabaseUnreachable(String where, Duration waited, String reason) {
        super("the database at " + where + " did not answer within " + waited.toSeconds() + " s (" + reason + ")",
                null, false, false);
    }

    private DatabaseUnreachable(String message) {
        super(message, null, false, false);
    }

    /** It answered, and refused: the login (SQLState class 28) or the database name (3D000). */
    static DatabaseUnreachable refused(String where, String reason) {
        return new DatabaseUnreachable("the database at " + where + " refused the connection (" + reason
                + "): check DATABASE_USER, the password and the database name");
    }

    /** Waiting cannot fix these: a wrong password, a role or database that does not exist. */
    static boolean refusal(SQLException failed) {
        String state = failed.getSQLState();
        return state != null && (state.startsWith("28") || state.equals("3D000"));
    }

    /**
     * Whether a failure is the database being unreachable (a connection-level SQLState, class 08,
     * or the pool's or the breaker's timeout), as opposed to a bug in a query: an outage to wait
     * out, not an error to report.
     */
    public static boolean explains(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && FailFastConnections.unreachable(sql)) {
                return true;
            }
        }
        return false;
    }

    /** host:port/database, from the JDBC URL. */
    static String where(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        return rest.substring(rest.lastIndexOf('@') + 1);
    }

    /** The innermost cause, one line: what the network or the server said. */
    static String reason(SQLException failed) {
        Throwable innermost = failed;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = String.valueOf(innermost.getMessage()).lines().findFirst().orElse("");
        return innermost.getClass().getSimpleName() + ": " + message;
    }
}
