package dev.launchline.drills;

import dev.launchline.support.Http;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rollback redeploys the previous release on the schema the newer one migrated. Here this
 * release plays the previous one: the database first gets this release's migrations and then a
 * newer release's (an expand step: a column, a table), and this release must start on it with
 * MIGRATE_ON_START=true, be ready, take a signup and send its mail. Flyway ignores applied
 * migrations it does not know ("future" ones) by default; the expand/contract rule
 * (MigrationRulesTest) keeps the newer release's changes additive.
 */
class RollbackAcrossMigrationDrillTest {

    @Test
    void the_previous_release_starts_on_a_newer_schema_and_takes_signups(@TempDir Path newerRelease) throws IOException {
        String database = TestDatabases.fresh();
        Files.writeString(newerRelease.resolve("V9000__a_newer_release_expands.sql"), """
                alter table signup add column loyalty_tier text;
                alter table outbox_email add column template_version integer;
                create table newer_feature (id bigint primary key, note text);
                """);
        Flyway.configure()
                .dataSource(database, "postgres", "")
                .locations("classpath:db/migration", "filesystem:" + newerRelease)
                .load()
                .migrate();

        try (TestStack previous = TestStack.start(Map.of("DATABASE_URL", database, "MIGRATE_ON_START", "true"))) {
            Http.Response ready = previous.http().get("/readyz");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.json().at("/checks/migrations/version").asText()).isEqualTo("9000");

            assertThat(previous.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"after-rollback@rocket-users.test\"}").status()).isEqualTo(202);
            previous.awaitMailTo("after-rollback@rocket-users.test", "Confirm");
            assertThat(previous.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("after-rollback@rocket-users.test"))).isEqualTo(1);
        }
        System.out.println("drill rollback-across-migration: the previous release started on schema 9000, "
                + "was ready, took a signup and sent its confirmation");
    }
}
