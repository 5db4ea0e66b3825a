package dev.launchline.drills;

import dev.launchline.support.DrillHost;
import dev.launchline.support.Http;
import dev.launchline.support.Runbook;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * runbooks/rollback.md. First its drill= steps as written, with the real previous release: the
 * commit before the newest migration, built from git, rolled back to from this release behind
 * HAProxy while signups go on. Then the rule behind it, with this release playing the previous
 * one: a rollback redeploys the previous release on the schema the newer one migrated. Here this
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

    @Test
    void the_real_previous_release_takes_over_behind_haproxy_with_no_failed_signup(@TempDir Path dir) throws Exception {
        Path previousJar = buildThePreviousRelease(dir.resolve("previous-source"));
        String database = TestDatabases.fresh();
        try (DrillHost host = DrillHost.prepare(dir.resolve("host"), new DrillHost.AdminDatabase(database, "postgres", ""),
                Map.of("DATABASE_URL", database, "DATABASE_USER", "postgres"))) {
            Runbook deploy = Runbook.load("deploy.md");
            deploy.runOk("install", host.env(), host.dist(), Duration.ofMinutes(1));
            deploy.runOk("migrate", host.env(), host.dist(), Duration.ofMinutes(1));
            deploy.runOk("switch", host.env(), host.dist(), Duration.ofSeconds(10));
            host.start();
            host.createSmokeToken();
            // the previous release's set, beside this one's, as an earlier deploy left it
            Path previous = Path.of(host.env().get("LAUNCHLINE_HOME"), "releases", "launchline-previous");
            Files.createDirectories(previous);
            Files.copy(previousJar, previous.resolve("launchline.jar"));

            Map<String, String> env = new HashMap<>(host.env());
            env.put("PREVIOUS", "previous");
            Runbook rollback = Runbook.load("rollback.md");
            String before = rollback.runOk("version", env, host.dist(), Duration.ofSeconds(30));
            assertThat(rollback.runOk("check-config", env, host.dist(), Duration.ofMinutes(1)))
                    .contains("configuration is valid");

            DrillHost.SteadySignups load = host.signups(50, "rollback");
            Thread.sleep(2_000);
            String switched = rollback.runOk("switch-back", env, host.dist(), Duration.ofMinutes(3));
            Thread.sleep(2_000);
            DrillHost.Tally tally = host.tally(load.stop());
            String after = rollback.runOk("version", env, host.dist(), Duration.ofSeconds(30));
            assertThat(switched).contains("2 instance(s) restarted");
            assertThat(after).as("the previous release answers now").isNotEqualTo(before)
                    .contains("\"commit\":\"" + previousCommit().substring(0, 7));
            assertThat(rollback.runOk("smoke", env, host.dist(), Duration.ofMinutes(2))).contains("smoke ok:");

            System.out.println("drill rollback: to " + previousCommit().substring(0, 7) + " on the newer schema, "
                    + tally.line());
            assertThat(tally.failed()).as("signups refused during the rollback: " + tally.byStatus()).isZero();
            assertThat(tally.lost()).isZero();
            assertThat(tally.missingMails()).isZero();
            assertThat(tally.duplicateMails()).isZero();
        }
    }

    /** The parent of the last commit that touched the migrations: the release before the newest schema. */
    private static String previousCommit() {
        Runbook.Outcome found = Runbook.bash(
                "git rev-parse \"$(git log -1 --format=%H -- app/src/main/resources/db/migration)^\"",
                Map.of(), Runbook.repository(), Duration.ofSeconds(30));
        assumeTrue(found.exitCode() == 0, "no git history to find the previous release in (" + found.output().strip() + ")");
        return found.output().strip();
    }

    private static Path buildThePreviousRelease(Path source) throws IOException {
        String commit = previousCommit();
        Files.createDirectories(source);
        Map<String, String> env = new HashMap<>();
        env.put("COMMIT", commit);
        env.put("SOURCE", source.toString());
        Runbook.bashOk("""
                git archive "$COMMIT" | tar -x -C "$SOURCE"
                cd "$SOURCE"
                ./mvnw -q -B -pl app package -DskipTests -Dgit.commit.id.abbrev="${COMMIT:0:7}"
                """, env, Duration.ofMinutes(8));
        Path jar = source.resolve("app/target/launchline.jar");
        assertThat(jar).exists();
        return jar;
    }
}
