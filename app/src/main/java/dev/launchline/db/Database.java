package dev.launchline.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/** The connection pool, the migrations and the jOOQ context over them. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final FailFastConnections connections;
    private final DSLContext dsl;
    private final Flyway flyway;
    private final HikariDataSource readinessDataSource;
    private final DSLContext readiness;
    private volatile boolean migrationsApplied;
    private final String jdbcUrl;

    /** A login for migrations that is not the service's own: the owner of the schema. */
    public record MigrationRole(String user, Optional<String> password) {
    }

    public Database(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize) {
        this(jdbcUrl, user, password, poolSize, Optional.empty());
    }

    /**
     * @param poolMetrics where HikariCP publishes the pool's usage (hikaricp_connections_active,
     *                    _idle, _pending, _max, acquire/usage timers, timeouts), tagged pool="launchline"
     */
    public Database(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize,
                    Optional<MeterRegistry> poolMetrics) {
        this.jdbcUrl = jdbcUrl;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        user.ifPresent(config::setUsername);
        password.ifPresent(config::setPassword);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("launchline");
        // fail a request fast when the database is gone instead of queueing it for 30 s
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "launchline");
        // PostgreSQL's error details quote the row ("Failing row contains (..., someone@example.com, ...)")
        // and PgJDBC puts them, and a failed batch's bound values, into exception messages, which
        // reach logs and error tracking: leave them out (GroupCommitTest)
        config.addDataSourceProperty("logServerErrorDetail", "false");
        // start even when the database is not up yet: readiness reports it, the pool retries
        config.setInitializationFailTimeout(-1);
        poolMetrics.ifPresent(registry -> config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry)));
        this.dataSource = new HikariDataSource(config);
        // Readiness asks on a connection of its own: under a launch spike every pooled connection
        // is in use and requests queue for one, and a probe queued behind them timed out and
        // reported a busy instance as not ready, which an orchestrator answers by taking it away.
        HikariConfig probe = new HikariConfig();
        config.copyStateTo(probe);
        probe.setPoolName("launchline-readiness");
        probe.setMaximumPoolSize(1);
        probe.setMetricsTrackerFactory(null);
        this.readinessDataSource = new HikariDataSource(probe);
        this.readiness = DSL.using(readinessDataSource, SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        this.connections = new FailFastConnections(dataSource, readinessDataSource, Duration.ofSeconds(1));
        this.dsl = DSL.using(new KnownIsolationConnections(connections), SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        // migrations wait for the pool as they always did: they run at start, where waiting is right
        this.flyway = migrations()
                .dataSource(dataSource)
                .load();
        poolMetrics.ifPresent(registry -> {
            Gauge.builder("launchline.database.unreachable", connections, breaker -> breaker.isOpen() ? 1 : 0)
                    .description("1 while the database is known to be unreachable and requests get 503 at once")
                    .register(registry);
            FunctionCounter.builder("launchline.database.failed_fast", connections, FailFastConnections::refusedCount)
                    .description("database calls refused at once because the database was known to be unreachable")
                    .register(registry);
        });
    }

    /**
     * Waits until the database answers, retrying with backoff, at most {@code limit}; one log line
     * per attempt. Then {@link DatabaseUnreachable}, whose message is one line naming the host
     * and the reason, never a credential.
     */
    public void awaitReachable(Duration limit) {
        // asked of the driver, not the pool: the pool takes its whole timeout (5 s) to say no
        long deadline = System.nanoTime() + limit.toNanos();
        Duration pause = Duration.ofMillis(500);
        while (true) {
            try (Connection ignored = connectDirectly()) {
                return;
            } catch (SQLException failed) {
                String reason = DatabaseUnreachable.reason(failed);
                if (DatabaseUnreachable.refusal(failed)) {
                    throw DatabaseUnreachable.refused(DatabaseUnreachable.where(jdbcUrl), reason);
                }
                if (System.nanoTime() + pause.toNanos() >= deadline) {
                    throw new DatabaseUnreachable(DatabaseUnreachable.where(jdbcUrl), limit, reason);
                }
                log.warn("database {} not reachable yet ({}); retrying in {} ms",
                        DatabaseUnreachable.where(jdbcUrl), reason, pause.toMillis());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new DatabaseUnreachable(DatabaseUnreachable.where(jdbcUrl), limit, "interrupted");
                }
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
            }
        }
    }

    private Connection connectDirectly() throws SQLException {
        Properties login = new Properties();
        if (dataSource.getUsername() != null) {
            login.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            login.setProperty("password", dataSource.getPassword());
        }
        login.setProperty("connectTimeout", "5");
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, login);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL", "08001");
        }
        return connection;
    }

    public void migrate() {
        flyway.migrate();
        migrationsApplied = true;
    }

    /**
     * Migrates as the given role, which owns the schema, so the service's own role never needs
     * the right to create, alter or drop anything.
     */
    public void migrate(Optional<MigrationRole> role) {
        if (role.isEmpty()) {
            migrate();
            return;
        }
        migrations()
                .dataSource(jdbcUrl, role.get().user(), role.get().password().orElse(null))
                .load()
                .migrate();
        migrationsApplied = true;
    }

    private static FluentConfiguration migrations() {
        return Flyway.configure()
                .locations("classpath:db/migration")
                .failOnMissingLocations(true);
    }

    /**
     * Migrations on the classpath that the database has not applied yet. Once none are pending
     * that stays so (a schema is not un-migrated; a newer release's migrations are not ours to
     * wait for), and from then on this only checks, on readiness's own connection, that the
     * database answers: asking Flyway scans the classpath and reads the whole history.
     */
    public int pendingMigrations() {
        if (connections.isOpen()) {
            throw new DataAccessException("the database is unreachable"); // known already: no need to wait to find out
        }
        if (migrationsApplied) {
            readiness.fetchOne("select 1");
            return 0;
        }
        int pending = flyway.info().pending().length;
        migrationsApplied = pending == 0;
        return pending;
    }

    /** The newest migration applied (by any release), as Flyway records it. */
    public Optional<String> schemaVersion() {
        if (!migrationsApplied && readiness.fetchValue("select to_regclass('flyway_schema_history')::text") == null) {
            return Optional.empty(); // never migrated
        }
        return readiness.fetchOptional("""
                        select version from flyway_schema_history
                        where success and version is not null
                        order by installed_rank desc limit 1""")
                .map(row -> row.get(0, String.class));
    }

    public DSLContext dsl() {
        return dsl;
    }

    @Override
    public void close() {
        connections.close();
        readinessDataSource.close();
        dataSource.close();
    }
}
