package dev.launchline.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.launchline.devstack.EmbeddedPostgres.Options;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs a real server. Uses its own directory under /tmp instead of JUnit's @TempDir: @TempDir is
 * mode 0700 and owned by root, which the unprivileged account PostgreSQL runs as (when the tests
 * run as root) could not enter.
 */
class EmbeddedPostgresTest {

    private static final Options FAST = Options.defaults().withDurable(false);

    private static Path root;

    @BeforeAll
    static void createRoot() throws IOException {
        root = Files.createTempDirectory("launchline-pg-test-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void deleteRoot() throws IOException {
        PostgresBinaries.deleteRecursively(root);
    }

    @Test
    void dataSurvivesRestartAndCloseIsIdempotent() throws Exception {
        Path base = root.resolve("restart");

        long t0 = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedPostgres.start(base); // durable defaults
        long coldMs = (System.nanoTime() - t0) / 1_000_000;
        pg.createDatabaseIfMissing("launchline");
        pg.createDatabaseIfMissing("launchline"); // second call is a no-op
        execute(pg, "launchline", "create table item (id int primary key, name text)");
        execute(pg, "launchline", "insert into item values (1, 'kept')");
        assertEquals("kept", queryString(pg, "launchline", "select name from item where id = 1"));
        pg.close();
        pg.close(); // idempotent

        t0 = System.nanoTime();
        try (EmbeddedPostgres again = EmbeddedPostgres.start(base)) {
            long warmMs = (System.nanoTime() - t0) / 1_000_000;
            System.err.printf("TIMING cold start (extract+initdb+start) %d ms, warm start %d ms%n", coldMs, warmMs);
            again.createDatabaseIfMissing("launchline");
            assertEquals("kept", queryString(again, "launchline", "select name from item where id = 1"));
            assertTrue(again.jdbcUrl("launchline").equals("jdbc:postgresql://127.0.0.1:" + again.port() + "/launchline"));
        }
    }

    @Test
    void restartsAfterPostmasterWasKilled() throws Exception {
        Path base = root.resolve("killed");
        EmbeddedPostgres pg = EmbeddedPostgres.start(base, FAST);
        pg.createDatabaseIfMissing("app");
        execute(pg, "app", "create table t (v text)");
        execute(pg, "app", "insert into t values ('before crash')");
        execute(pg, "app", "checkpoint");

        long pid = postmasterPid(base);
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly(); // SIGKILL
        postmaster.onExit().get(10, TimeUnit.SECONDS);
        pg.close(); // server already gone: must not throw, just release the directory

        try (EmbeddedPostgres again = EmbeddedPostgres.start(base, FAST)) {
            assertNotEquals(pid, postmasterPid(base));
            assertEquals("before crash", queryString(again, "app", "select v from t"));
        }
    }

    /** The JVM dies (kill -9) but its server keeps running: the next start must take over. */
    @Test
    void takesOverServerLeftByKilledJvm() throws Exception {
        Path base = root.resolve("jvm-killed");
        Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                StartAndHangMain.class.getName(), base.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // the child's log lines come first when logging goes to stdout
                do {
                    line = out.readLine();
                } while (line != null && !line.startsWith("READY "));
            }
            assertTrue(line != null && line.startsWith("READY "), "child JVM did not start PostgreSQL: " + line);
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        long orphanPid = postmasterPid(base);
        assertTrue(ProcessHandle.of(orphanPid).isPresent(), "server should outlive its JVM");

        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(base, FAST)) {
            assertNotEquals(orphanPid, postmasterPid(base));
            // pg_ctl stop returns once postmaster.pid is gone; the process itself exits a moment later
            orphan.onExit().get(10, TimeUnit.SECONDS);
            pg.createDatabaseIfMissing("app");
            assertEquals("1", queryString(pg, "app", "select 1"));
        }
    }

    @Test
    void postmasterDoesNotRunAsRootAndFilesBelongToAccount() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "only meaningful when the tests run as root");
        Path base = root.resolve("uid");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(base, FAST)) {
            String uidLine = Files.readAllLines(Path.of("/proc", Long.toString(postmasterPid(base)), "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            for (String uid : uidLine.substring(4).trim().split("\\s+")) {
                assertNotEquals("0", uid, "postmaster runs as root: " + uidLine);
            }
            assertEquals(65534, Files.getAttribute(pg.dataDir(), "unix:uid"));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.dataDir())));
        }
    }

    @Test
    void explainsWhichAncestorBlocksTheUnprivilegedAccount() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "only meaningful when the tests run as root");
        Path closed = root.resolve("closed");
        Files.createDirectories(closed);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path base = closed.resolve("inner").resolve("pg");

        RuntimeException e = assertThrows(RuntimeException.class, () -> EmbeddedPostgres.start(base, FAST));
        assertTrue(e.getMessage().contains("cannot enter directory " + closed.toRealPath()), e.getMessage());
        assertFalse(Files.exists(closed.resolve("inner")), "nothing should be created before the check");
    }

    @Test
    void secondInstanceOnSameDirectoryIsRefused() {
        Path base = root.resolve("locked");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(base, FAST)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> EmbeddedPostgres.start(base, FAST));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            pg.createDatabaseIfMissing("still-works \"quoted\"");
        }
    }

    @Test
    void failureMessageContainsLogTail() {
        Path base = root.resolve("badport");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(base, FAST)) {
            // Same data dir is locked, so use a second dir on the port that is already taken.
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> EmbeddedPostgres.start(root.resolve("badport2"), FAST.withPort(pg.port())));
            assertTrue(e.getMessage().contains("last lines of"), e.getMessage());
            assertTrue(e.getMessage().contains("could not bind"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static long postmasterPid(Path base) throws IOException {
        return Long.parseLong(Files.readAllLines(base.resolve("data").resolve("postmaster.pid")).get(0).trim());
    }

    private static void execute(EmbeddedPostgres pg, String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String queryString(EmbeddedPostgres pg, String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static boolean isRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}
