package dev.launchline.load;

import dev.launchline.db.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a simulation loads. With {@code -DbaseUrl=https://staging...} it is that deployment,
 * untouched. Without it, a fresh local stack: an embedded PostgreSQL (durable commits) in
 * target/, and the service as a separate JVM on a free port, stopped (SIGTERM) afterwards.
 * Locally the database is known, so the run ends with the "no lead lost" count.
 */
public final class LoadTarget implements AutoCloseable {
    private final String baseUrl;
    private final Optional<EmbeddedPostgres> postgres;
    private final Optional<Process> service;

    private LoadTarget(String baseUrl, Optional<EmbeddedPostgres> postgres, Optional<Process> service) {
        this.baseUrl = baseUrl;
        this.postgres = postgres;
        this.service = service;
    }

    public static LoadTarget resolve() {
        String remote = System.getProperty("baseUrl");
        if (remote != null && !remote.isBlank()) {
            return new LoadTarget(remote.replaceAll("/+$", ""), Optional.empty(), Optional.empty());
        }
        return startLocal();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A fresh stack started for this run (not a deployment given by -DbaseUrl). */
    public boolean isLocal() {
        return service.isPresent();
    }

    private static LoadTarget startLocal() {
        Path dir = Path.of(System.getProperty("launchline.load.dir", "target"), "load-" + Instant.now().getEpochSecond())
                .toAbsolutePath();
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"));
        postgres.createDatabaseIfMissing("launchline");
        int port = freePort();
        String baseUrl = "http://127.0.0.1:" + port;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("serviceHeap", "512m")));
        // e.g. -DserviceJvmArgs="-XX:StartFlightRecording=filename=target/service.jfr,settings=profile"
        String extra = System.getProperty("serviceJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.launchline.Main", "serve"));
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
        try {
            Process process = builder.start();
            LoadTarget target = new LoadTarget(baseUrl, Optional.of(postgres), Optional.of(process));
            target.awaitReady(Duration.ofSeconds(60));
            System.out.println("load target: " + baseUrl + " (service log: " + dir.resolve("service.log") + ")");
            return target;
        } catch (IOException | RuntimeException failed) {
            postgres.close();
            throw new IllegalStateException("could not start the service; see " + dir.resolve("service.log"), failed);
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
     * "No lead lost": every signup the service answered 2xx is in the database with its email
     * in the outbox. Only possible locally, where the database is ours.
     */
    public Optional<String> lostLeads(long acceptedSignups) {
        if (postgres.isEmpty()) {
            return Optional.empty();
        }
        try (Connection connection = DriverManager.getConnection(postgres.get().jdbcUrl("launchline"), "postgres", "")) {
            long stored = count(connection, "select count(*) from signup");
            long withMail = count(connection, "select count(distinct signup_id) from outbox_email");
            String summary = "accepted " + acceptedSignups + " signups; stored " + stored
                    + "; with queued or sent email " + withMail;
            return Optional.of((stored == acceptedSignups && withMail == acceptedSignups ? "NO LEAD LOST: " : "LEADS LOST: ")
                    + summary + "\n" + mailKeptPace(connection));
        } catch (SQLException failed) {
            return Optional.of("LEADS UNCHECKED: " + failed.getMessage());
        }
    }

    /**
     * Did mail keep pace? At the moment the load stops: how many emails the SMTP server has
     * accepted, how many still wait, and how long signup-to-accepted took (p50/p95/max).
     */
    private static String mailKeptPace(Connection connection) throws SQLException {
        try (ResultSet row = connection.createStatement().executeQuery("""
                select count(*) filter (where status = 'sent'),
                       count(*) filter (where status <> 'sent'),
                       percentile_cont(0.5) within group (order by extract(epoch from sent_at - created_at))
                           filter (where status = 'sent'),
                       percentile_cont(0.95) within group (order by extract(epoch from sent_at - created_at))
                           filter (where status = 'sent'),
                       max(extract(epoch from sent_at - created_at)) filter (where status = 'sent')
                from outbox_email""")) {
            row.next();
            return String.format("MAIL: accepted by SMTP %d, still queued %d; signup to SMTP-accepted p50 %.0f ms, p95 %.0f ms, max %.0f ms",
                    row.getLong(1), row.getLong(2), row.getDouble(3) * 1000, row.getDouble(4) * 1000, row.getDouble(5) * 1000);
        }
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
