package dev.launchline.support;

import dev.launchline.devstack.EmbeddedPostgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * A real PostgreSQL for tests: the one named by LAUNCHLINE_TEST_DATABASE_URL (an admin JDBC
 * URL such as jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres), else an embedded
 * server started once per test run. Every caller gets a fresh, empty database of its own.
 */
public final class TestDatabases {
    public static final String VARIABLE = "LAUNCHLINE_TEST_DATABASE_URL";
    private static String adminUrl;

    private TestDatabases() {
    }

    /** A JDBC URL (user postgres, no password) of a new empty database. */
    public static synchronized String fresh() {
        if (adminUrl == null) {
            adminUrl = Optional.ofNullable(System.getenv(VARIABLE)).filter(url -> !url.isBlank())
                    .orElseGet(TestDatabases::startEmbedded);
        }
        String name = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException failed) {
            throw new IllegalStateException("could not create test database", failed);
        }
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        return adminUrl.substring(0, slash + 1) + name;
    }

    private static String startEmbedded() {
        Path dir = Path.of(System.getProperty("launchline.test.dir", "target/test-postgres"));
        EmbeddedPostgres server = EmbeddedPostgres.start(dir, EmbeddedPostgres.Options.defaults().withDurable(false));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server.jdbcUrl("postgres");
    }
}
