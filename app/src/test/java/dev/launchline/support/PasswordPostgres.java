package dev.launchline.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A PostgreSQL server of the test's own that checks passwords (scram-sha-256), from the machine's
 * PostgreSQL binaries: the shared test servers trust every local login, so a password rotation
 * could not fail on them. PostgreSQL refuses to run as root, so it runs as the postgres user
 * (runuser); the test skips, saying why, where either is missing.
 */
public final class PasswordPostgres implements AutoCloseable {
    public static final String SUPERUSER_PASSWORD = "drill-superuser-" + UUID.randomUUID();
    private final Path dir;
    private final Path bin;
    private final int port;

    private PasswordPostgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    public static PasswordPostgres start() throws IOException {
        Path bin = binaries();
        assumeTrue(bin != null, "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)");
        assumeTrue(Runbook.bash("[ \"$(id -u)\" = 0 ] && command -v runuser && id postgres", Map.of(),
                Runbook.repository(), Duration.ofSeconds(5)).exitCode() == 0,
                "a password-checking PostgreSQL needs root (to run it as the postgres user) and that user");
        Path dir = Files.createTempDirectory("launchline-pg-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        int port = TestStack.freePort();
        Runbook.bashOk("""
                printf '%s' "$PASSWORD" > "$DIR/superuser-password"
                mkdir "$DIR/data" "$DIR/socket"
                chown -R postgres "$DIR"
                runuser -u postgres -- "$BIN/initdb" -D "$DIR/data" --auth=scram-sha-256 --username=postgres \\
                  --pwfile="$DIR/superuser-password" --no-sync > "$DIR/initdb.log"
                runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start \\
                  -o "-p $PORT -k $DIR/socket -c listen_addresses=127.0.0.1 -c fsync=off" > /dev/null
                """, Map.of("DIR", dir.toString(), "BIN", bin.toString(), "PORT", String.valueOf(port),
                "PASSWORD", SUPERUSER_PASSWORD), Duration.ofSeconds(60));
        return new PasswordPostgres(dir, bin, port);
    }

    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.naturalOrder()).orElse(null);
        }
    }

    public int port() {
        return port;
    }

    /** libpq URL of the superuser, password included, for psql: the runbooks' ADMIN_URL. */
    public String adminUrl(String database) {
        return "postgresql://postgres:" + SUPERUSER_PASSWORD + "@127.0.0.1:" + port + "/" + database;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        Runbook.bash("runuser -u postgres -- \"$BIN/pg_ctl\" -D \"$DIR/data\" -m fast -w stop > /dev/null; rm -rf \"$DIR\"",
                Map.of("DIR", dir.toString(), "BIN", bin.toString()), Runbook.repository(), Duration.ofSeconds(60));
    }
}
