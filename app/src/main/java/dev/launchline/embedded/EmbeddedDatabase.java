package dev.launchline.embedded;

import dev.launchline.devstack.EmbeddedPostgres;

/**
 * The embedded PostgreSQL of the dev default, as the service sees it (see {@link DevInbox} for
 * why the service never holds the dev stack's own types).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres server;
    private final String database;

    EmbeddedDatabase(EmbeddedPostgres server, String database) {
        this.server = server;
        this.database = database;
    }

    /** The service's database on it; user postgres, no password. */
    public String jdbcUrl() {
        return server.jdbcUrl(database);
    }

    @Override
    public void close() {
        server.close();
    }
}
