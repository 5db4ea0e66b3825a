package dev.launchline.devstack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server, run from the binaries that zonky publishes on Maven Central, with its
 * data kept in {@code <baseDir>/data} across restarts.
 *
 * <p>Layout of baseDir: {@code bin-<version>/} (unpacked binaries), {@code data/} (the cluster),
 * {@code postgres.log} (all output of the server and of initdb/pg_ctl), {@code .lock}.
 *
 * <p>When the JVM runs as root, PostgreSQL runs as an unprivileged account (default
 * {@code nobody}) because initdb and postgres refuse to run as root; see {@link ProcessOwner}.
 *
 * <p>The server only listens on 127.0.0.1 over TCP (no unix socket). No shutdown hook is
 * registered: the caller decides; {@link #close()} is idempotent and safe to call from one.
 * While an instance is open it holds a file lock on {@code <baseDir>/.lock}, so a second JVM
 * cannot start on the same directory; the OS drops the lock if this JVM dies.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String SUPERUSER = "postgres";
    private static final String LISTEN_ADDRESS = "127.0.0.1";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final int PG_CTL_WAIT_SECONDS = 60;
    private static final int LOG_TAIL_LINES = 20;
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;
    private static final boolean HAS_PROC = Files.isDirectory(Path.of("/proc/self"));

    /**
     * @param port          TCP port on 127.0.0.1; 0 picks a free one
     * @param durable       false turns off fsync, synchronous_commit and full_page_writes: much
     *                      faster, but a machine crash (not a process crash) can corrupt the data
     * @param runAsAccount  account (name, or "uid:gid") that runs PostgreSQL when the JVM is root;
     *                      ignored otherwise
     */
    public record Options(int port, boolean durable, String runAsAccount) {
        public Options {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            if (runAsAccount == null || runAsAccount.isBlank()) {
                throw new IllegalArgumentException("runAsAccount must not be blank");
            }
        }

        /** Free port, durable, run as {@code nobody} when root. */
        public static Options defaults() {
            return new Options(0, true, "nobody");
        }

        public Options withPort(int newPort) {
            return new Options(newPort, durable, runAsAccount);
        }

        public Options withDurable(boolean newDurable) {
            return new Options(port, newDurable, runAsAccount);
        }

        public Options withRunAsAccount(String account) {
            return new Options(port, durable, account);
        }
    }

    /** Thrown when PostgreSQL cannot be prepared, started, stopped or used. */
    public static final class EmbeddedPostgresException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EmbeddedPostgresException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final Path installDir;
    private final ProcessOwner owner;
    private final FileChannel lockChannel; // holds the lock on <baseDir>/.lock while open
    private int port;
    private long postmasterPid;
    private boolean closed;

    private EmbeddedPostgres(Path baseDir, Path installDir, ProcessOwner owner, FileChannel lockChannel) {
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.logFile = baseDir.resolve("postgres.log");
        this.installDir = installDir;
        this.owner = owner;
        this.lockChannel = lockChannel;
    }

    /**
     * {@code preferred}, or - when the JVM runs as root and the unprivileged account cannot
     * reach it (a checkout under /root, mode 700, is the usual case) - a directory under
     * {@code fallbackParent} named after the preferred path, so each checkout keeps its own
     * data across restarts.
     */
    public static Path reachableBaseDir(Path preferred, Path fallbackParent, Options options) {
        Path base = preferred.toAbsolutePath().normalize();
        try {
            ProcessOwner.resolve(options.runAsAccount()).checkAncestorsTraversable(base);
            return base;
        } catch (IllegalStateException | IOException unreachable) {
            String name = Integer.toHexString(base.toString().hashCode());
            Path fallback = fallbackParent.toAbsolutePath().resolve("launchline-" + name);
            log.info("{} is not reachable by the unprivileged PostgreSQL account; keeping the embedded data in {}",
                    base, fallback);
            return fallback;
        }
    }

    public static EmbeddedPostgres start(Path baseDir) {
        return start(baseDir, Options.defaults());
    }

    public static EmbeddedPostgres start(Path baseDir, Options options) {
        Path base = baseDir.toAbsolutePath().normalize();
        long t0 = System.nanoTime();
        FileChannel lockChannel = null;
        try {
            ProcessOwner owner = ProcessOwner.resolve(options.runAsAccount());
            // Before touching anything: fail with a clear message if the account can't reach baseDir.
            owner.checkAncestorsTraversable(base);
            Files.createDirectories(base);
            owner.checkAncestorsTraversable(base); // directories just created follow root's umask
            owner.chown(base);

            lockChannel = FileChannel.open(base.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            acquireLock(lockChannel, base);

            Path installDir = PostgresBinaries.ensureExtracted(base, tmp -> chownTree(owner, tmp));
            owner.chownTreeIfNeeded(installDir); // e.g. extracted earlier while not root

            EmbeddedPostgres pg = new EmbeddedPostgres(base, installDir, owner, lockChannel);
            pg.startServer(options);
            log.info("PostgreSQL {} started on {}:{} (data dir {}, runs as {}, {} ms)",
                    installDir.getFileName().toString().substring("bin-".length()), LISTEN_ADDRESS, pg.port,
                    pg.dataDir, owner.describe(), (System.nanoTime() - t0) / 1_000_000);
            return pg;
        } catch (IOException | RuntimeException e) {
            closeQuietly(lockChannel);
            if (e instanceof EmbeddedPostgresException epe) {
                throw epe;
            }
            throw new EmbeddedPostgresException("Could not start PostgreSQL in " + base + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}; user {@code postgres}, no password. */
    public String jdbcUrl(String database) {
        // pgjdbc URL-decodes the database name; plain names are unchanged by encoding.
        return "jdbc:postgresql://" + LISTEN_ADDRESS + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    public String user() {
        return SUPERUSER;
    }

    public void createDatabaseIfMissing(String name) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Invalid database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "")) {
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                // CREATE DATABASE takes no bind parameters: quote the identifier ("" escapes ").
                st.execute("create database \"" + name.replace("\"", "\"\"") + "\"");
                log.debug("Created database {}", name);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: someone else just created it
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new EmbeddedPostgresException("Could not create database '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and releases the directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (isOurServerRunning()) {
                pgCtl("stop", "stop", "-m", "fast");
                log.info("PostgreSQL on port {} stopped (data dir {})", port, dataDir);
            } else {
                log.warn("PostgreSQL (pid {}) for {} was no longer running", postmasterPid, dataDir);
            }
        } finally {
            closeQuietly(lockChannel);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // startup steps

    private void startServer(Options options) throws IOException {
        prepareLogFile();
        stopLeftoverServer();
        initDbIfNeeded(options.durable());
        owner.chownTreeIfNeeded(dataDir); // the account may have changed since initdb
        port = options.port() == 0 ? freePort() : options.port();
        pgCtl("start", "start", "-l", logFile.toString(), "-o", serverOptions(options.durable()));
        postmasterPid = readPostmasterPid().orElseThrow(() -> failure("pg_ctl start succeeded but postmaster.pid is missing", null));
    }

    /** All settings go on the command line so they follow the options of each start. */
    private String serverOptions(boolean durable) {
        // pg_ctl runs this string through /bin/sh, hence the '' for an empty value.
        List<String> o = new ArrayList<>(List.of(
                "-p " + port,
                "-c listen_addresses=" + LISTEN_ADDRESS,
                // TCP only: socket paths under long baseDirs exceed the 107-byte limit, and /tmp
                // sockets of different users collide.
                "-c unix_socket_directories=''"));
        if (!durable) {
            o.add("-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        return String.join(" ", o);
    }

    /**
     * A server from an earlier run of this data dir may still be alive (its JVM was kill -9'd:
     * pg_ctl detaches the postmaster, so it outlives us). We hold the lock, so it is not in use.
     */
    private void stopLeftoverServer() throws IOException {
        Optional<Long> pid = readPostmasterPid();
        if (pid.isEmpty()) {
            return;
        }
        if (isPostgresOfThisDataDir(pid.get())) {
            log.warn("PostgreSQL (pid {}) from a previous run is still using {}; stopping it", pid.get(), dataDir);
            pgCtl("stop leftover server", "stop", "-m", "fast");
            return;
        }
        // The postmaster died (kill -9, OOM). Its backends notice and exit shortly; starting before
        // they are gone fails with "pre-existing shared memory block is still in use".
        waitForOrphanedBackends();
        // postgres would handle a stale pid file itself, unless the pid got reused by another
        // process (common in containers), which it would mistake for a running server.
        Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
        log.info("Removed stale postmaster.pid of dead server (pid {}) in {}", pid.get(), dataDir);
    }

    /**
     * initdb writes into a temporary directory that is renamed to data/ when complete, so an
     * interrupted initdb never leaves a data dir that looks initialized but is not.
     */
    private void initDbIfNeeded(boolean durable) throws IOException {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        if (Files.isDirectory(dataDir) && isEmptyDir(dataDir)) {
            Files.delete(dataDir);
        } else if (Files.exists(dataDir)) {
            throw failure(dataDir + " exists but is not a PostgreSQL data directory (no PG_VERSION); "
                    + "move it away or use another base directory", null);
        }
        Path tmp = baseDir.resolve("data.initdb-tmp");
        PostgresBinaries.deleteRecursively(tmp); // leftover of an interrupted initdb
        List<String> cmd = new ArrayList<>(List.of(bin("initdb"), "-D", tmp.toString(),
                "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--no-instructions"));
        if (!durable) {
            cmd.add("--no-sync");
        }
        run("initdb", cmd);
        Files.move(tmp, dataDir, StandardCopyOption.ATOMIC_MOVE);
    }

    private void prepareLogFile() throws IOException {
        // The log is appended to across restarts; keep one old generation.
        if (Files.exists(logFile) && Files.size(logFile) > LOG_ROTATE_BYTES) {
            Files.move(logFile, baseDir.resolve("postgres.log.1"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(logFile)) {
            Files.createFile(logFile);
        }
        owner.chown(logFile); // the server opens it as the unprivileged account
    }

    // ---------------------------------------------------------------------------------------------
    // processes

    private void pgCtl(String what, String action, String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin("pg_ctl"), action, "-D", dataDir.toString(),
                "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS)));
        cmd.addAll(Arrays.asList(args));
        run(what, cmd);
    }

    /** Runs a PostgreSQL tool as the owner; output goes to the log file, never to the console. */
    private void run(String what, List<String> command) {
        appendToLog("---- launchline: " + what + ": " + String.join(" ", command));
        ProcessBuilder pb = new ProcessBuilder(owner.wrap(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // PGPORT, PGDATA, PGHOST... from the caller's environment would override our arguments.
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        // English messages and no dependency on locales the machine may lack.
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw failure(what + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s", null);
            }
            if (p.exitValue() != 0) {
                throw failure(what + " failed with exit code " + p.exitValue(), null);
            }
        } catch (IOException e) {
            throw failure(what + " could not be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(what + " was interrupted", e);
        }
    }

    private String bin(String tool) {
        return installDir.resolve("bin").resolve(tool).toString();
    }

    private boolean isOurServerRunning() {
        Optional<Long> pid = readPostmasterPid();
        return pid.isPresent() && pid.get() == postmasterPid && ProcessHandle.of(postmasterPid).isPresent();
    }

    private Optional<Long> readPostmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Guards against pid reuse: only a live process whose working directory is this data dir
     * (every PostgreSQL process chdirs there) counts as our server.
     */
    private boolean isPostgresOfThisDataDir(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return false;
        }
        if (!HAS_PROC) {
            // macOS: no way to see the working directory; trust the process name.
            return handle.get().info().command().map(c -> c.endsWith("/postgres")).orElse(true);
        }
        try {
            return Files.isSameFile(Path.of("/proc", Long.toString(pid), "cwd"), dataDir);
        } catch (IOException | SecurityException e) {
            return false; // not visible to us, so not a server we started
        }
    }

    private void waitForOrphanedBackends() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> orphans = orphanedBackends();
            if (orphans.isEmpty()) {
                return;
            }
            sleep(100);
        }
        // Still there after 10 s: they belong to a dead server of our data dir, so end them.
        orphanedBackends().forEach(h -> {
            log.warn("Killing leftover PostgreSQL process {} of {}", h.pid(), dataDir);
            h.destroyForcibly();
        });
        sleep(500);
    }

    private List<ProcessHandle> orphanedBackends() {
        if (!HAS_PROC) {
            return List.of();
        }
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(h -> isPostgresOfThisDataDir(h.pid()))
                .toList();
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    private static void acquireLock(FileChannel channel, Path base) throws IOException {
        try {
            if (channel.tryLock() != null) {
                return;
            }
        } catch (OverlappingFileLockException e) {
            // another EmbeddedPostgres in this JVM holds it; fall through
        }
        throw new IllegalStateException(base + " is in use by another running EmbeddedPostgres "
                + "(in this or another process); close it first or use another base directory");
    }

    private static void chownTree(ProcessOwner owner, Path tree) {
        try {
            owner.chownTreeIfNeeded(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        // Small race (someone may take it before postgres binds), acceptable for a local server.
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LISTEN_ADDRESS))) {
            return s.getLocalPort();
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(logFile, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.debug("Could not write to {}", logFile, e);
        }
    }

    private EmbeddedPostgresException failure(String message, Throwable cause) {
        return new EmbeddedPostgresException("PostgreSQL in " + baseDir + ": " + message
                + "\n---- last lines of " + logFile + " ----\n" + logTail(), cause);
    }

    /** The last lines of the log, reading only its end (the log grows across restarts). */
    private String logTail() {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, f.length() - 16 * 1024);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> lines = new String(buf, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close(); // also releases the lock
            } catch (IOException ignored) {
                // nothing useful to do
            }
        }
    }
}
