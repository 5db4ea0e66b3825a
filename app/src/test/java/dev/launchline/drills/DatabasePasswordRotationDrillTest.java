package dev.launchline.drills;

import dev.launchline.support.DrillHost;
import dev.launchline.support.PasswordPostgres;
import dev.launchline.support.Runbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * runbooks/rotate-secrets.md, the database password, its drill= steps as written: on a PostgreSQL
 * that checks passwords, set up by database-roles.md's own step, a {@link DrillHost} runs as
 * launchline_app; the password of launchline_app_2 is set, the instances move to it by a rolling
 * restart, launchline_app is retired, while 50 signups a second go through HAProxy. None may
 * fail, and afterwards the old login must be refused and the instances logged in as the new one.
 */
class DatabasePasswordRotationDrillTest {

    @Test
    void the_instances_move_to_a_new_login_with_no_failed_signup_and_the_old_one_is_refused(@TempDir Path dir)
            throws Exception {
        try (PasswordPostgres postgres = PasswordPostgres.start()) {
            String appPassword = random();
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            Files.writeString(secrets.resolve("database_password"), appPassword + "\n");
            Files.writeString(secrets.resolve("database_migration_password"), random() + "\n");
            Files.writeString(secrets.resolve("database_password_2"), random() + "\n");

            Runbook.load("database-roles.md").runOk("create-roles", Map.of(
                    "ADMIN_URL", postgres.adminUrl("postgres"),
                    "MIGRATOR_PASSWORD", Files.readString(secrets.resolve("database_migration_password")).strip(),
                    "APP_PASSWORD", appPassword), Runbook.repository(), Duration.ofMinutes(1));

            String launchline = postgres.jdbcUrl("launchline");
            Map<String, String> service = new HashMap<>();
            service.put("DATABASE_URL", launchline);
            service.put("DATABASE_USER", "launchline_app");
            service.put("DATABASE_PASSWORD_FILE", secrets.resolve("database_password").toString());
            service.put("DATABASE_MIGRATION_USER", "launchline_migrator");
            service.put("DATABASE_MIGRATION_PASSWORD_FILE", secrets.resolve("database_migration_password").toString());
            try (DrillHost host = DrillHost.prepare(dir, new DrillHost.AdminDatabase(launchline, "postgres",
                    PasswordPostgres.SUPERUSER_PASSWORD), service)) {
                Runbook deploy = Runbook.load("deploy.md");
                deploy.runOk("install", host.env(), host.dist(), Duration.ofMinutes(1));
                deploy.runOk("migrate", host.env(), host.dist(), Duration.ofMinutes(1));
                deploy.runOk("switch", host.env(), host.dist(), Duration.ofSeconds(10));
                host.start();
                assertThat(logins(launchline)).containsOnly("launchline_app");

                Map<String, String> env = new HashMap<>(host.env());
                env.put("ADMIN_URL", postgres.adminUrl("launchline"));
                env.put("OLD_LOGIN", "launchline_app");
                env.put("NEW_LOGIN", "launchline_app_2");
                env.put("NEW_PASSWORD_FILE", secrets.resolve("database_password_2").toString());

                Runbook rotation = Runbook.load("rotate-secrets.md");
                DrillHost.SteadySignups load = host.signups(50, "rotation");
                Thread.sleep(2_000);
                assertThat(rotation.runOk("database-login", env, Runbook.repository(), Duration.ofMinutes(1)))
                        .contains("CREATE ROLE", "ALTER ROLE");
                assertThat(rotation.runOk("database-login-switch", env, Runbook.repository(), Duration.ofMinutes(3)))
                        .contains("configuration is valid", "2 instance(s) restarted");
                String retired = rotation.runOk("database-login-retire", env, Runbook.repository(), Duration.ofMinutes(1));
                Thread.sleep(2_000);
                DrillHost.Tally tally = host.tally(load.stop());

                assertThat(retired).contains("ALTER ROLE");
                assertThat(logins(launchline)).containsOnly("launchline_app_2");
                SQLException refused = catchThrowableOfType(SQLException.class,
                        () -> DriverManager.getConnection(launchline, "launchline_app", appPassword).close());
                assertThat((Throwable) refused).as("the old login after the rotation").isNotNull();
                assertThat(refused.getSQLState()).startsWith("28");

                System.out.println("drill database-password-rotation: " + tally.line());
                assertThat(tally.failed()).as("signups refused during the rotation: " + tally.byStatus()).isZero();
                assertThat(tally.lost()).isZero();
                assertThat(tally.missingMails()).isZero();
                assertThat(tally.duplicateMails()).isZero();
            }
        }
    }

    /** The roles the service's connections are logged in as (the drill's own superuser left out). */
    private static Set<String> logins(String database) throws SQLException {
        Set<String> logins = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(database, "postgres", PasswordPostgres.SUPERUSER_PASSWORD);
             ResultSet rows = connection.createStatement().executeQuery(
                     "select distinct usename from pg_stat_activity where datname = 'launchline' and usename <> 'postgres'")) {
            while (rows.next()) {
                logins.add(rows.getString(1));
            }
        }
        return logins;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
