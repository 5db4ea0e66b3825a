package dev.launchline.db;

import dev.launchline.support.TestStack;
import dev.launchline.support.TestDatabases;
import org.jooq.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static dev.launchline.db.schema.DefaultSchema.DEFAULT_SCHEMA;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs app/config/database-roles.sql as shipped (under unique names, since roles are
 * cluster-wide), migrates as the migrator, serves as the app role, and proves the app role
 * can do its work and cannot change the schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRolesTest {
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String migrator = "ll_migrator_" + suffix;
    private final String app = "ll_app_" + suffix;
    private final String database = "ll_roles_" + suffix;
    private String adminUrl;
    private TestStack stack;

    @BeforeAll
    void createRolesAndStartTheServiceAsTheAppRole() throws Exception {
        String someDatabase = TestDatabases.fresh();
        adminUrl = someDatabase.substring(0, someDatabase.lastIndexOf('/') + 1);
        String script = Files.readString(Path.of("config/database-roles.sql"))
                .replace("launchline_migrator", migrator)
                .replace("launchline_app", app)
                .replace("database launchline", "database " + database)
                .replace("\\connect launchline", "\\connect " + database)
                .replace(":'migrator_password'", "'migrator-pw'")
                .replace(":'app_password'", "'app-pw'");
        String[] parts = script.split("\\\\connect " + database);
        execute(adminUrl + "postgres", parts[0]);
        execute(adminUrl + database, parts[1]);

        stack = TestStack.start(Map.of(
                "DATABASE_URL", adminUrl + database,
                "DATABASE_USER", app,
                "DATABASE_PASSWORD", "app-pw",
                "DATABASE_MIGRATION_USER", migrator,
                "DATABASE_MIGRATION_PASSWORD", "migrator-pw"));
    }

    @AfterAll
    void dropEverything() throws SQLException {
        if (stack != null) {
            stack.close();
        }
        execute(adminUrl + "postgres", "drop database if exists " + database + " with (force);"
                + "drop role if exists " + app + "; drop role if exists " + migrator + ";");
    }

    @Test
    void the_service_running_as_the_app_role_signs_up_and_confirms_people() {
        assertThat(stack.http().postJson("/api/v1/waitlists/instant/signups",
                "{\"email\": \"least@example.test\"}").status()).isEqualTo(202);

        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.CONFIRMED_AT.isNotNull())).isEqualTo(1);
        assertThat(stack.db().fetchCount(OUTBOX_EMAIL)).isEqualTo(1);
    }

    @Test
    void the_migrator_owns_every_table() throws SQLException {
        Map<String, String> ownerByTable = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(adminUrl + database, migrator, "migrator-pw");
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery("select tablename, tableowner from pg_tables where schemaname = 'public'")) {
            while (rows.next()) {
                ownerByTable.put(rows.getString(1), rows.getString(2));
            }
        }

        // the tables are there, every one the code was generated against (an empty schema would
        // pass the ownership check below trivially) ...
        assertThat(ownerByTable).containsKey("flyway_schema_history")
                .containsKeys(DEFAULT_SCHEMA.getTables().stream().map(Table::getName).toArray(String[]::new));
        // ... and every one of them, not only those named, is the migrator's
        assertThat(ownerByTable).allSatisfy((table, owner) -> assertThat(owner).as(table).isEqualTo(migrator));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "drop table signup",
            "alter table signup add column stolen text",
            "alter table signup drop column email",
            "truncate outbox_email",
            "create table planted (id int)",
            "create index planted_idx on signup (name)",
            "drop function signup_position_bucket_sync() cascade",
            "delete from flyway_schema_history where false; drop table flyway_schema_history",
            "create schema planted",
            "alter table signup disable trigger all"})
    void the_app_role_cannot_change_the_schema(String ddl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(adminUrl + database, app, "app-pw");
             Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute(ddl))
                    .isInstanceOf(SQLException.class)
                    .satisfies(error -> assertThat(((SQLException) error).getSQLState())
                            .as("insufficient privilege / must be owner, for: " + ddl)
                            .isEqualTo("42501"));
        }
    }

    /** Statement by statement, as psql would: CREATE DATABASE may not share a transaction. */
    private static void execute(String url, String script) throws SQLException {
        String withoutComments = script.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .reduce("", (all, line) -> all + line + "\n");
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
             Statement statement = connection.createStatement()) {
            for (String sql : withoutComments.split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
        }
    }
}
