package dev.launchline.drills;

import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * runbooks/backup-restore.md on real parts: a live service's database is dumped with pg_dump -Fc
 * and restored with pg_restore into a new database, as the runbook says; the service started on
 * the restored one has every row, honours links emailed before the backup, and sends nothing twice.
 * Needs the PostgreSQL server and client tools of the machine (pg_dump must match the server), so
 * it uses the one at 127.0.0.1:5432, as CI's machine has it.
 */
@EnabledIf(value = "aLocalPostgresAndItsTools", disabledReason = "needs PostgreSQL at 127.0.0.1:5432 (trust auth) "
        + "and its pg_dump/pg_restore on PATH (apt-get install postgresql postgresql-client)")
class BackupRestoreDrillTest {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    static boolean aLocalPostgresAndItsTools() {
        try (Connection ignored = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            return run(List.of("pg_dump", "--version")) == 0 && run(List.of("pg_restore", "--version")) == 0;
        } catch (SQLException | IOException | InterruptedException notHere) {
            return false;
        }
    }

    @Test
    void a_restored_database_has_every_row_honours_old_links_and_sends_nothing_twice(@TempDir Path dir) throws Exception {
        String live = "drill_live_" + UUID.randomUUID().toString().substring(0, 8);
        String restored = "drill_restored_" + UUID.randomUUID().toString().substring(0, 8);
        createDatabase(live);
        String statusToken;
        String unsubscribeToken;
        int mailsBefore;
        try (TestStack service = TestStack.start(Map.of("DATABASE_URL", SERVER + live))) {
            for (int i = 0; i < 5; i++) {
                service.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"kept" + i + "@rocket-users.test\"}");
            }
            String confirm = linkIn(service.awaitMailTo("kept0@rocket-users.test", "Confirm"), "/confirm?");
            assertThat(service.http().postForm("/confirm", "token=" + tokenOf(confirm)).status()).isEqualTo(200);
            CapturedMail welcome = service.awaitMailTo("kept0@rocket-users.test", "You're #");
            statusToken = tokenOf(linkIn(welcome, "/status?"));
            unsubscribeToken = tokenOf(welcome.listUnsubscribe().replaceAll("^<|>$", ""));
            service.awaitOutboxDelivered();
            mailsBefore = service.mail().size();
        }

        // the runbook's commands
        Path dump = dir.resolve("launchline.dump");
        assertThat(run(List.of("pg_dump", "-Fc", "-h", "127.0.0.1", "-U", "postgres", "-d", live, "-f", dump.toString())))
                .isZero();
        createDatabase(restored);
        assertThat(run(List.of("pg_restore", "--no-owner", "-h", "127.0.0.1", "-U", "postgres", "-d", restored,
                dump.toString()))).isZero();
        assertThat(rowsPerTable(restored)).isEqualTo(rowsPerTable(live)).isNotEmpty();

        try (TestStack service = TestStack.start(Map.of("DATABASE_URL", SERVER + restored))) {
            Http.Response status = service.http().get("/api/v1/status?token=" + statusToken);
            assertThat(status.status()).as("a status link from before the backup").isEqualTo(200);
            assertThat(status.json().get("position").asInt()).isEqualTo(1);
            Http.Response unsubscribed = service.http().request("POST", "/api/v1/unsubscribe?token=" + unsubscribeToken,
                    "Accept", "application/json");
            assertThat(unsubscribed.status()).as("an unsubscribe link from before the backup").isEqualTo(200);
            Thread.sleep(1500); // a few polls of the outbox: anything still due would go out now
            assertThat(service.mail()).as("nothing sent again after the restore").isEmpty();
        }
        System.out.println("drill backup-restore: " + rowsPerTable(restored).getOrDefault("signup", 0L) + " signups and "
                + mailsBefore + " sent emails restored, old links honoured, 0 emails sent twice");
    }

    private static String linkIn(CapturedMail mail, String path) {
        return mail.links().stream().filter(link -> link.contains(path)).findFirst().orElseThrow();
    }

    private static String tokenOf(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    private static void createDatabase(String name) throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        }
    }

    private static Map<String, Long> rowsPerTable(String database) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(SERVER + database, "postgres", "");
             Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(
                    "select tablename from pg_tables where schemaname = 'public' order by tablename")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            System.out.println(String.join(" ", command) + " -> " + exit + ": " + output);
        }
        return exit;
    }
}
