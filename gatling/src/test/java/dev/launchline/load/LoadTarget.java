package dev.launchline.load;

import dev.launchline.devstack.AotTrainer;
import dev.launchline.devstack.EmbeddedPostgres;

import org.postgresql.PGConnection;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a simulation loads. With {@code -DbaseUrl=https://staging...} it is that deployment,
 * untouched. Without it, a fresh local stack: an embedded PostgreSQL (durable commits) in
 * target/, and the service as a separate JVM on a free port, stopped (SIGTERM) afterwards.
 * Locally the database is known, so the run ends with the "no lead lost" count.
 */
public final class LoadTarget implements AutoCloseable {
    /** Where the local service's mail goes. */
    public enum Mail {
        /** {@link MailSink}, in the load generator's JVM: the service pays only for sending, as with a real relay. */
        SINK,
        /** The service's own dev inbox (GreenMail in its JVM), for simulations that read the mail over HTTP. */
        DEV_INBOX
    }

    private final String baseUrl;
    private final Optional<EmbeddedPostgres> postgres;
    private final Optional<Process> service;
    private final Optional<MailSink> mailSink;
    private long walAtReady; // PostgreSQL's WAL position once the service was up (migrations done)
    private String measuredFrom = "-infinity"; // the database's clock when the measured load began
    private String measuredFromLsn; // and its WAL position then
    private long signupsBeforeMeasuring;
    private long walRecordsBeforeMeasuring;
    private long walBytesBeforeMeasuring;
    private Optional<CpuUse> cpu = Optional.empty();

    private LoadTarget(String baseUrl, Optional<EmbeddedPostgres> postgres, Optional<Process> service,
                       Optional<MailSink> mailSink) {
        this.baseUrl = baseUrl;
        this.postgres = postgres;
        this.service = service;
        this.mailSink = mailSink;
    }

    public static LoadTarget resolve(Mail mail) {
        String remote = System.getProperty("baseUrl");
        if (remote != null && !remote.isBlank()) {
            return new LoadTarget(remote.replaceAll("/+$", ""), Optional.empty(), Optional.empty(), Optional.empty());
        }
        return startLocal(mail);
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A fresh stack started for this run (not a deployment given by -DbaseUrl). */
    public boolean isLocal() {
        return service.isPresent();
    }

    /**
     * -DserviceAot=true: starts the service as Deploy does, with the JDK's AOT cache, trained by
     * {@link AotTrainer} on this very classpath (a cache only works with the classpath it was made
     * with). The cold step and the spike then measure a launch as production starts it: classes
     * loaded and linked, hot methods' profiles already gathered.
     */
    private static Path trainAotCache(Path dir, String classPath) {
        Path cache = dir.resolve("launchline.aot");
        try {
            Files.createDirectories(dir);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        int exit = AotTrainer.train(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "dev.launchline.Main"), cache, System.out, System.err);
        if (exit != 0) {
            throw new IllegalStateException("the AOT training run failed (see above)");
        }
        System.out.println("AOT cache trained for the service: " + cache);
        return cache;
    }

    /**
     * -Dservice=floor: the local stack runs {@link FloorService}, the bare prototype, instead of
     * the service (same database, same load); only WrkBenchmark supports it.
     */
    public static boolean isFloor() {
        String service = System.getProperty("service", "launchline").strip();
        if (!service.equals("launchline") && !service.equals("floor") && !service.isEmpty()) {
            throw new IllegalArgumentException("-Dservice must be launchline or floor, not " + service);
        }
        return service.equals("floor");
    }

    private static LoadTarget startLocal(Mail mail) {
        Path dir = Path.of(System.getProperty("launchline.load.dir", "target"), "load-" + Instant.now().getEpochSecond())
                .toAbsolutePath();
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"));
        postgres.createDatabaseIfMissing("launchline");
        int port = freePort();
        String baseUrl = "http://127.0.0.1:" + port;
        String heap = System.getProperty("serviceHeap", "512m");
        // a fixed heap, as the README asks of production: left to size itself, G1 kept it near
        // 210 MB and collected for a seventh of the service's CPU at 1,000 signups/s. Survivors
        // promoted after one collection, as the README also asks: by default G1 copied the same
        // 21 MB of rate-limiter buckets and cache entries from survivor space to survivor space up
        // to 15 times, and each young pause took 24-65 ms at 1,000/s (7-17 ms promoted at once)
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + heap, "-Xmx" + heap, "-XX:MaxTenuringThreshold=1"));
        // e.g. -DserviceJvmArgs="-XX:StartFlightRecording=filename=target/service.jfr,settings=profile"
        String extra = System.getProperty("serviceJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        boolean floor = isFloor();
        String classPath = System.getProperty("java.class.path");
        if (!floor && Boolean.getBoolean("serviceAot")) {
            // the JVM makes a cache only from jars: the service needs none of this module's own classes
            classPath = Stream.of(classPath.split(File.pathSeparator)).filter(entry -> Files.isRegularFile(Path.of(entry)))
                    .collect(Collectors.joining(File.pathSeparator));
            command.add("-XX:AOTCache=" + trainAotCache(dir, classPath));
        }
        if (floor) {
            // the floor logs warnings only, as the prototype did (logback's default would log every Jetty event)
            command.add("-Dlogback.configurationFile=logback-cli.xml");
        }
        command.addAll(List.of("-cp", classPath));
        command.addAll(floor ? List.of(FloorService.class.getName()) : List.of("dev.launchline.Main", "serve"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        builder.environment().put("APP_ENV", "test"); // embedded SMTP with the /_dev/mail inbox, no Sentry etc.
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("PUBLIC_BASE_URL", baseUrl);
        builder.environment().put("DATABASE_URL", postgres.jdbcUrl("launchline"));
        builder.environment().put("DATABASE_USER", "postgres");
        builder.environment().put("DATABASE_POOL_SIZE", System.getProperty("servicePool", "16"));
        builder.environment().put("EMBEDDED_DATA_DIR", dir.toString());
        builder.environment().put("LOG_FORMAT", "json");
        // the simulations send each visitor's address in CF-Connecting-IP, as Cloudflare would
        builder.environment().put("TRUSTED_PROXIES", "127.0.0.1/32");
        // the load stack measures the service, not the mail provider: no ceiling on confirmations
        builder.environment().put("RATE_LIMIT_CONFIRMATION_MAILS", "off");
        Optional<MailSink> sink = mail == Mail.SINK && !floor ? Optional.of(MailSink.start()) : Optional.empty();
        sink.ifPresent(started -> {
            builder.environment().put("SMTP_HOST", "127.0.0.1");
            builder.environment().put("SMTP_PORT", String.valueOf(started.port()));
            builder.environment().put("SMTP_SECURITY", "none");
        });
        // e.g. -DserviceEnv=HTTP_THREADS=64,OUTBOX_SENDERS=3: any of the service's settings, for experiments;
        // last, so it overrides the ones above too (SMTP_PORT=1: mail left queued, to measure signups alone)
        for (String setting : System.getProperty("serviceEnv", "").split(",")) {
            if (setting.contains("=")) {
                builder.environment().put(setting.substring(0, setting.indexOf('=')).strip(),
                        setting.substring(setting.indexOf('=') + 1).strip());
            }
        }
        try {
            Process process = builder.start();
            LoadTarget target = new LoadTarget(baseUrl, Optional.of(postgres), Optional.of(process), sink);
            target.awaitReady(Duration.ofSeconds(60));
            target.walAtReady = target.checkDatabase(connection -> String.valueOf(
                    count(connection, "select (pg_current_wal_lsn() - '0/0')::bigint"))).map(Long::parseLong).orElse(0L);
            requireLogging(dir.resolve("service.log"));
            System.out.println("load target: " + baseUrl + " (service log: " + dir.resolve("service.log") + ")");
            return target;
        } catch (IOException | RuntimeException failed) {
            sink.ifPresent(MailSink::close);
            postgres.close();
            throw new IllegalStateException("could not start the service; see " + dir.resolve("service.log"), failed);
        }
    }

    /**
     * A service measured without its logging is not the service that runs in production: a
     * stray SLF4J on the classpath once silently turned it into a no-op and flattered a run.
     */
    private static void requireLogging(Path serviceLog) throws IOException {
        String log = Files.readString(serviceLog);
        if (log.contains("SLF4J") && (log.contains("NOP") || log.contains("no-operation"))) {
            throw new IllegalStateException("the service started without logging (SLF4J fell back to no-op): "
                    + "fix the load module's classpath; see " + serviceLog);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (service.isPresent() && !service.get().isAlive()) {
                throw new IllegalStateException("the service exited with " + service.get().exitValue());
            }
            try {
                HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("the service was not ready within " + timeout);
    }

    /**
     * "No lead lost": every address the service answered 2xx for is in the database, with its
     * email in the outbox. Checked address by address (the accepted ones are copied into a
     * temporary table), so a signup stored after its client gave up waiting is not mistaken
     * for a lost one, nor hides one. Only possible locally, where the database is ours.
     */
    public Optional<String> lostLeads(Collection<String> acceptedEmails) {
        return checkDatabase(connection -> {
            connection.createStatement().execute("create temporary table accepted (email text not null)");
            StringBuilder rows = new StringBuilder();
            acceptedEmails.forEach(email -> rows.append(email).append('\n'));
            connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("copy accepted (email) from stdin", new StringReader(rows.toString()));
            long lost = count(connection, """
                    select count(*) from accepted a
                    where not exists (select 1 from signup s join outbox_email o on o.signup_id = s.id
                                      where s.email = a.email)""");
            long stored = count(connection, "select count(*) from signup");
            String summary = "accepted " + acceptedEmails.size() + " signups, " + lost + " of them not stored with their email; "
                    + "stored " + stored + " in all (a signup whose answer came too late for the client is stored too)";
            return (lost == 0 ? "NO LEAD LOST: " : "LEADS LOST: ") + summary + "\n" + mailKeptPace(connection);
        });
    }

    /**
     * "No lead lost" when the load generator only counts its 2xx answers (wrk): every stored
     * signup has its email, and at least as many are stored as were accepted (every request
     * carried a new address; a signup whose answer the generator never read is stored too).
     */
    public Optional<String> lostLeadsByCount(long accepted) {
        if (isFloor()) {
            return checkDatabase(connection -> {
                long stored = count(connection, "select count(*) from floor_signup");
                long withoutRow = count(connection, """
                        select count(*) from floor_signup s
                        where not exists (select 1 from floor_outbox o where o.signup_id = s.id)""");
                return (stored >= accepted && withoutRow == 0 ? "NO LEAD LOST: " : "LEADS LOST: ") + "the floor accepted "
                        + accepted + " signups; stored " + stored + ", of them " + withoutRow + " without their outbox row (it sends no mail)";
            });
        }
        return checkDatabase(connection -> {
            long stored = count(connection, "select count(*) from signup");
            long withoutMail = count(connection, """
                    select count(*) from signup s
                    where not exists (select 1 from outbox_email o where o.signup_id = s.id)""");
            boolean kept = stored >= accepted && withoutMail == 0;
            return (kept ? "NO LEAD LOST: " : "LEADS LOST: ") + "accepted " + accepted + " signups; stored "
                    + stored + ", of them " + withoutMail + " without their email\n" + mailKeptPace(connection);
        });
    }

    /**
     * Waits until the outbox holds nothing left to send (locally; a deployment is not ours to
     * watch), and says how long that took.
     */
    public Optional<String> awaitMailSent(Duration timeout) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        while (true) {
            Optional<String> queued = checkDatabase(connection -> String.valueOf(
                    count(connection, "select count(*) from outbox_email where status in ('pending', 'sending')")));
            if (queued.isEmpty()) {
                return Optional.empty();
            }
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            if (queued.get().equals("0") || System.nanoTime() > deadline) {
                return Optional.of("mail queue after the warm-up: " + queued.get() + " left to send after waiting " + waitedMs + " ms");
            }
            sleep(200);
        }
    }

    /**
     * Marks the start of the measured load: the mail figures then also count the emails of
     * signups made from here on, apart from a warm-up's.
     */
    public void startMeasuring() {
        cpu = service.flatMap(process -> postgres.flatMap(database -> CpuUse.start(process.pid(), database.dataDir())));
        checkDatabase(connection -> {
            signupsBeforeMeasuring = count(connection, "select count(*) from " + signupTable());
            try (ResultSet now = connection.createStatement().executeQuery("""
                    select now()::text, pg_current_wal_lsn()::text, wal_records, wal_bytes from pg_stat_wal""")) {
                now.next();
                measuredFrom = now.getString(1);
                measuredFromLsn = now.getString(2);
                walRecordsBeforeMeasuring = now.getLong(3);
                walBytesBeforeMeasuring = now.getLong(4);
                return measuredFrom;
            }
        });
    }

    /**
     * CPU time by process since startMeasuring ({@link CpuUse}), printed, with the service's and
     * PostgreSQL's per signup; empty for a deployment (-DbaseUrl) or where /proc cannot be read.
     */
    public Map<String, Double> measuredCpu(long signups) {
        return cpu.map(counting -> counting.stop(signups)).orElse(Map.of());
    }

    private static String signupTable() {
        return isFloor() ? "floor_signup" : "signup";
    }

    /**
     * The WAL the measured run wrote (pg_stat_wal: the database's own count, the same on any
     * disk), per signup stored meanwhile: bytes ("wal_bytes_per_signup") and records
     * ("wal_records_per_signup"); with pg_walinspect (contrib: Debian's server has it, the
     * embedded one may not), the largest kinds of record too. Empty for a deployment (-DbaseUrl).
     */
    public Map<String, Double> measuredWal() {
        Map<String, Double> wal = new HashMap<>();
        checkDatabase(connection -> {
            long signups = Math.max(1, count(connection, "select count(*) from " + signupTable()) - signupsBeforeMeasuring);
            long bytes;
            long records;
            try (ResultSet now = connection.createStatement().executeQuery("select wal_records, wal_bytes from pg_stat_wal")) {
                now.next();
                records = now.getLong(1) - walRecordsBeforeMeasuring;
                bytes = now.getLong(2) - walBytesBeforeMeasuring;
            }
            wal.put("wal_bytes_per_signup", (double) bytes / signups);
            wal.put("wal_records_per_signup", (double) records / signups);
            System.out.printf("WAL over the measured run: %,d bytes, %,d records for %,d signups stored: %.0f bytes, %.1f records per signup%s%n",
                    bytes, records, signups, (double) bytes / signups, (double) records / signups, walByKind(connection, signups));
            return "";
        });
        return wal;
    }

    private String walByKind(Connection connection, long signups) {
        StringBuilder report = new StringBuilder();
        try {
            connection.createStatement().execute("create extension if not exists pg_walinspect");
            // One read of the measured run's WAL: every kind of record, the largest eight shown, and
            // the full-page images of all of them. A full-page image is the first change to a page
            // after a checkpoint, written whole: they grow with the tables, not with the work per
            // signup (a faster closed-loop warm-up leaves bigger tables and random-key indexes, more
            // distinct pages, to the measured run).
            try (var query = connection.prepareStatement("""
                    select * from pg_get_wal_stats(cast(? as pg_lsn), pg_current_wal_flush_lsn(), true)
                    order by combined_size desc""")) {
                // columns by position: the first is "resource_manager" up to PostgreSQL 15, "resource_manager/record_type" from 16
                query.setString(1, measuredFromLsn);
                ResultSet rows = query.executeQuery();
                long fullPageImages = 0;
                for (int shown = 0; rows.next(); shown++) {
                    fullPageImages += rows.getLong("fpi_size");
                    if (shown < 8) {
                        report.append(String.format("%n  %-28s %8.1f bytes %5.2f records per signup (full-page images %.1f bytes)",
                                rows.getString(1), (double) rows.getLong("combined_size") / signups,
                                (double) rows.getLong("count") / signups, (double) rows.getLong("fpi_size") / signups));
                    }
                }
                report.insert(0, String.format(", of them full-page images %.0f bytes per signup", (double) fullPageImages / signups));
            }
        } catch (SQLException unavailable) {
            return " (no breakdown: " + unavailable.getMessage().lines().findFirst().orElse("") + ")";
        }
        return report.toString();
    }

    private interface DatabaseCheck {
        String run(Connection connection) throws SQLException, IOException;
    }

    /** Runs a check against the local stack's database; empty for a deployment given by -DbaseUrl. */
    private Optional<String> checkDatabase(DatabaseCheck check) {
        if (postgres.isEmpty()) {
            return Optional.empty();
        }
        try (Connection connection = DriverManager.getConnection(postgres.get().jdbcUrl("launchline"), "postgres", "")) {
            return Optional.of(check.run(connection));
        } catch (SQLException | IOException failed) {
            return Optional.of("LEADS UNCHECKED: " + failed.getMessage());
        }
    }

    /**
     * Did mail keep pace? At the moment the load stops: how many emails the SMTP server has
     * accepted, how many still wait, and how long signup-to-accepted took (p50/p95/max).
     */
    private String mailKeptPace(Connection connection) throws SQLException {
        String mail = mailKeptPace(connection, "-infinity",
                mailSink.map(sink -> " (the sink counted " + sink.accepted() + ")").orElse(""));
        if (!measuredFrom.equals("-infinity")) {
            mail += "\n" + mailKeptPace(connection, measuredFrom, "").replace("MAIL:", "MAIL of the measured run's signups:");
            mail += "\n" + mailSentWhileMeasuring(connection);
        }
        return mail + "\n" + walWritten(connection) + "\n" + databaseWork(connection);
    }

    /**
     * Emails the SMTP server accepted from the start of the measured run until now, whoever's: in
     * a closed loop the mail senders and the request threads share the cores, so signups/s alone
     * can rise just because mail fell behind. Compare both rates.
     */
    private String mailSentWhileMeasuring(Connection connection) throws SQLException {
        try (var query = connection.prepareStatement("""
                select count(*), extract(epoch from now() - cast(? as timestamptz))
                from outbox_email
                where sent_at >= cast(? as timestamptz)""")) {
            query.setString(1, measuredFrom);
            query.setString(2, measuredFrom);
            ResultSet row = query.executeQuery();
            row.next();
            return String.format("MAIL sent while measuring: %d emails in %.1f s, %.0f/s",
                    row.getLong(1), row.getDouble(2), row.getLong(1) / row.getDouble(2));
        }
    }

    private static String mailKeptPace(Connection connection, String since, String sinkCount) throws SQLException {
        try (var query = connection.prepareStatement("""
                select count(*) filter (where status = 'sent'),
                       count(*) filter (where status <> 'sent'),
                       percentile_cont(0.5) within group (order by extract(epoch from sent_at - created_at))
                           filter (where status = 'sent'),
                       percentile_cont(0.95) within group (order by extract(epoch from sent_at - created_at))
                           filter (where status = 'sent'),
                       max(extract(epoch from sent_at - created_at)) filter (where status = 'sent')
                from outbox_email
                where created_at >= cast(? as timestamptz)""")) {
            query.setString(1, since);
            ResultSet row = query.executeQuery();
            row.next();
            String mail = String.format("MAIL: accepted by SMTP %d%s, still queued %d; signup to SMTP-accepted p50 %.0f ms, p95 %.0f ms, max %.0f ms",
                    row.getLong(1), sinkCount,
                    row.getLong(2), row.getDouble(3) * 1000, row.getDouble(4) * 1000, row.getDouble(5) * 1000);
            return mail;
        }
    }

    /**
     * WAL PostgreSQL wrote since the service was up, per stored signup: every row version and
     * index entry a signup and its email cost, counted the same on any machine (unlike CPU).
     */
    private String walWritten(Connection connection) throws SQLException {
        long wal = count(connection, "select (pg_current_wal_lsn() - '0/0')::bigint") - walAtReady;
        long signups = count(connection, "select count(*) from signup");
        return String.format("WAL: %,d bytes since the service was up, %,d per stored signup", wal,
                signups == 0 ? 0 : wal / signups);
    }

    /**
     * What PostgreSQL was asked to do, per stored signup: transactions committed and rows
     * written, by table. A change that adds a round trip or a row shows here before it shows in CPU.
     */
    private static String databaseWork(Connection connection) throws SQLException {
        long signups = Math.max(1, count(connection, "select count(*) from signup"));
        StringBuilder work = new StringBuilder(String.format("DB per stored signup: %.2f commits, %.2f rollbacks",
                (double) count(connection, "select xact_commit from pg_stat_database where datname = current_database()") / signups,
                (double) count(connection, "select xact_rollback from pg_stat_database where datname = current_database()") / signups));
        try (ResultSet tables = connection.createStatement().executeQuery("""
                select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables
                where n_tup_ins + n_tup_upd + n_tup_del > 0 order by relname""")) {
            while (tables.next()) {
                work.append(String.format("; %s: %.2f inserted, %.2f updated (%.2f HOT), %.2f deleted", tables.getString(1),
                        (double) tables.getLong(2) / signups, (double) tables.getLong(3) / signups,
                        (double) tables.getLong(4) / signups, (double) tables.getLong(5) / signups));
            }
        }
        return work.toString();
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (ResultSet result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Override
    public void close() {
        service.ifPresent(process -> {
            process.destroy(); // SIGTERM: the service shuts down gracefully
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        mailSink.ifPresent(MailSink::close);
        postgres.ifPresent(EmbeddedPostgres::close);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
