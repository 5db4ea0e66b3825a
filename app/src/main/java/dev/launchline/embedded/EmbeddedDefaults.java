package dev.launchline.embedded;

import dev.launchline.devstack.DevMailServer;
import dev.launchline.devstack.EmbeddedPostgres;

import java.nio.file.Path;

/**
 * The dev and test default: a real PostgreSQL started from the binaries on the classpath, and an
 * SMTP server in this process that captures every email, for whatever the environment does not
 * name (DATABASE_URL, SMTP_HOST). Config allows that only for APP_ENV=dev and test.
 *
 * <p>Both come from the dev stack (module {@code app/dev-stack}), which the run command, the tests
 * and the load stack put on the classpath and the production jar leaves out: it is about 15 MB of
 * PostgreSQL binaries and a mail server that production never runs. This class is the only one of
 * the service that touches them, and it checks that they are there before it does.
 */
public final class EmbeddedDefaults {
    public static final String NOT_IN_THIS_BUILD = "this is the production build, which carries no embedded "
            + "PostgreSQL or mail server: set it, or run ./mvnw -pl app compile exec:java for the embedded default";

    private EmbeddedDefaults() {
    }

    /** Whether the dev stack is on the classpath (the run command, the tests), not in the production jar. */
    public static boolean available() {
        try {
            Class.forName("dev.launchline.devstack.EmbeddedPostgres", false, EmbeddedDefaults.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /**
     * Starts (or reuses the files of) the embedded server whose data lives under
     * {@code dataDir/postgres}, with a database named {@code launchline}. As root, the server runs
     * as an unprivileged account, and the data moves under /var/lib/launchline when that account
     * cannot reach dataDir (the log says so).
     */
    public static EmbeddedPostgres startPostgres(Path dataDir) {
        requireAvailable();
        EmbeddedPostgres.Options options = EmbeddedPostgres.Options.defaults();
        Path base = EmbeddedPostgres.reachableBaseDir(dataDir.resolve("postgres"), Path.of("/var/lib/launchline"), options);
        EmbeddedPostgres server = EmbeddedPostgres.start(base, options);
        try {
            server.createDatabaseIfMissing(DATABASE);
            return server;
        } catch (RuntimeException failed) {
            server.close();
            throw failed;
        }
    }

    /** The JDBC URL of the service's database on a server from {@link #startPostgres}; user postgres, no password. */
    public static String jdbcUrl(EmbeddedPostgres server) {
        return server.jdbcUrl(DATABASE);
    }

    /** A capturing SMTP server on a free loopback port: its mail is read at /_dev/mail. */
    public static DevMailServer startMail() {
        requireAvailable();
        return DevMailServer.start(0);
    }

    private static final String DATABASE = "launchline";

    private static void requireAvailable() {
        if (!available()) {
            throw new IllegalStateException("DATABASE_URL / SMTP_HOST: " + NOT_IN_THIS_BUILD);
        }
    }
}
