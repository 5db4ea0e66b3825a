package dev.launchline.support;

import dev.launchline.devstack.DevMailServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The production host of runbooks/deploy.md, on loopback, for the drills: the release set that
 * deploy/build-release.sh makes from the built jar, an env file, two instances of the jar as
 * separate processes (the drill's RESTART_COMMAND stands in for systemctl: SIGTERM, wait for the
 * exit, start on current/), HAProxy with deploy/haproxy/haproxy.cfg as shipped (TLS with a
 * throwaway certificate) and an SMTP capture. {@link #env()} holds the variables the runbooks tell
 * the operator to export.
 */
public final class DrillHost implements AutoCloseable {
    public static final String RELEASE = "0.1.0";
    private static final String SIGNING_KEY = "drill-signing-key-Xq3vB8zL2pR7tW9yN4kK6cJ1";
    private static final String TRUST_PASSWORD = "drill-only";

    /** How the drill reaches the database itself (counting rows), not how the service does. */
    public record AdminDatabase(String url, String user, String password) {
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    private final AdminDatabase database;
    private final Path run;
    private final Path tls;
    private final DevMailServer smtp;
    private final Map<String, String> env = new HashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final int portPrefix;
    private final int lbPort;

    /**
     * Skips the drill (an assumption) unless HAProxy and the tools are installed and the jar is
     * built. {@code service} are the env file's lines about the database (DATABASE_URL, ...).
     */
    public static DrillHost prepare(Path dir, AdminDatabase database, Map<String, String> service) throws Exception {
        for (String tool : List.of("haproxy", "socat", "curl", "openssl", "sha256sum", "psql")) {
            assumeTrue(onPath(tool), tool + " is not installed (apt-get install haproxy socat curl openssl postgresql-client)");
        }
        assumeTrue(Files.exists(jar()), "app/target/launchline.jar is not built (drills run after package, in failsafe)");
        return new DrillHost(dir, database, service);
    }

    private DrillHost(Path dir, AdminDatabase database, Map<String, String> service) throws Exception {
        this.database = database;
        this.run = Files.createDirectories(dir.resolve("run"));
        Path home = Files.createDirectories(dir.resolve("opt/launchline/releases")).getParent();
        this.tls = tlsCertificate(dir);
        int smtpPort = TestStack.freePort();
        this.smtp = DevMailServer.start(smtpPort);
        // below the kernel's ephemeral range (32768-60999 by default): a port chosen now is bound
        // seconds later, and meanwhile every outgoing connection (the instances' database pools)
        // takes an ephemeral port, which once was the one chosen here
        this.portPrefix = freePortPrefix();
        this.lbPort = freePortBelowEphemeral();

        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("APP_ENV", "staging");
        lines.put("PUBLIC_BASE_URL", "https://127.0.0.1:" + lbPort);
        lines.putAll(service);
        lines.put("MIGRATE_ON_START", "false");
        lines.put("SMTP_HOST", "127.0.0.1");
        lines.put("SMTP_PORT", String.valueOf(smtpPort));
        lines.put("SMTP_SECURITY", "none");
        lines.put("MAIL_FROM", "Rocket <hello@rocket.test>");
        lines.put("TOKEN_SIGNING_KEY", SIGNING_KEY);
        lines.put("FUNNELS_FILE", Runbook.repository().resolve("app/config/funnels.example.json").toString());
        lines.put("TRUSTED_PROXIES", "127.0.0.1");
        // what the systemd unit sets (5); 3 s is still more than HAProxy's fall 2 x inter 1 s
        lines.put("SHUTDOWN_DRAIN_SECONDS", "3");
        lines.put("OUTBOX_POLL_INTERVAL_MS", "100");
        // every request of a drill comes from 127.0.0.1
        lines.put("RATE_LIMIT_SIGNUPS_PER_IP", "off");
        lines.put("RATE_LIMIT_PER_EMAIL", "off");
        lines.put("RATE_LIMIT_CONFIRMATION_MAILS", "off");
        Path envFile = dir.resolve("launchline.env");
        Files.writeString(envFile, lines.entrySet().stream().map(line -> line.getKey() + "=" + line.getValue())
                .collect(Collectors.joining("\n", "", "\n")));

        Path restart = dir.resolve("restart-instance.sh");
        Files.writeString(restart, """
                #!/usr/bin/env bash
                # the drill's `systemctl restart launchline@$1`: SIGTERM, wait for the exit, start on current/
                set -euo pipefail
                i=$1
                if [ -f "$DRILL_RUN/$i.pid" ]; then
                  pid=$(cat "$DRILL_RUN/$i.pid")
                  kill -TERM "$pid" 2>/dev/null || true
                  # a zombie (nobody may reap it here) has exited too
                  while kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" | cut -c1)" != Z ]; do sleep 0.1; done
                fi
                # C1 only and a small heap: the drills measure the procedure, not the JIT, and start
                # sooner on two shared cores (production uses the unit's flags)
                PORT="${PORT_PREFIX}$i" nohup java -Xmx256m -XX:TieredStopAtLevel=1 -jar "$LAUNCHLINE_HOME/current/launchline.jar" serve \\
                  >> "$DRILL_RUN/$i.log" 2>&1 < /dev/null &
                echo $! > "$DRILL_RUN/$i.pid"
                """);
        restart.toFile().setExecutable(true);

        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        env.put("RELEASE", RELEASE);
        env.put("LAUNCHLINE_HOME", home.toString());
        env.put("LAUNCHLINE_ENV_FILE", envFile.toString());
        env.put("HAPROXY_SOCKET", run.resolve("haproxy.sock").toString());
        env.put("API", "https://127.0.0.1:" + lbPort);
        env.put("WAITLIST", "beta");
        env.put("SMOKE_EMAIL_DOMAIN", "smoke.rocket.test");
        env.put("SMOKE_ADMIN_TOKEN_FILE", run.resolve("smoke-token").toString());
        env.put("RESTART_COMMAND", restart + " {instance}");
        env.put("INSTANCE_URL", "http://127.0.0.1:" + portPrefix + "{instance}");
        env.put("DRILL_RUN", run.toString());
        env.put("PORT_PREFIX", String.valueOf(portPrefix));
        // curl and the smoke check's java trust the throwaway certificate HAProxy presents
        env.put("CURL_CA_BUNDLE", tls.resolve("cert.pem").toString());
        env.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + tls.resolve("trust.p12")
                + " -Djavax.net.ssl.trustStorePassword=" + TRUST_PASSWORD);

        // the release set, as the release pipeline makes it, from the jar this build made
        Map<String, String> build = new HashMap<>(env);
        build.put("LAUNCHLINE_JAR", jar().toString());
        build.put("AOT", "skip");
        build.put("SBOM", "skip");
        Runbook.bashOk("deploy/build-release.sh " + RELEASE, build, Duration.ofMinutes(1));
    }

    private static Path jar() {
        return Runbook.repository().resolve("app/target/launchline.jar");
    }

    /** The runbooks' variables, bound to this host. */
    public Map<String, String> env() {
        return env;
    }

    /** Where the operator stands: the release set's tarball is here. */
    public Path dist() {
        return Runbook.repository().resolve("dist");
    }

    public Path envFile() {
        return Path.of(env.get("LAUNCHLINE_ENV_FILE"));
    }

    /** Instances 1 and 2 on current/, HAProxy in front; returns when HAProxy reports both UP. */
    public void start() throws IOException {
        for (String instance : List.of("1", "2")) {
            Runbook.bashOk(env.get("RESTART_COMMAND").replace("{instance}", instance), env, Duration.ofSeconds(10));
        }
        startBalancer();
        // what rolling-restart.sh asks HAProxy, for both instances. Their rows only: the backend's
        // own row says UP as soon as one of them is, and counting it made "2" mean one instance
        // (and never come when both turned UP between two looks: a drill failed so in CI).
        try {
            Runbook.bashOk("""
                    while [ "$SECONDS" -lt 90 ]; do
                      up=$(echo "show stat" | socat -t 1 stdio "unix-connect:$HAPROXY_SOCKET" 2>/dev/null \\
                           | awk -F, '$1 == "launchline" && ($2 == "app1" || $2 == "app2") && $18 == "UP"' | wc -l) || true
                      [ "$up" = 2 ] && exit 0
                      sleep 0.25
                    done
                    echo "HAProxy did not report both instances UP within 90 s" >&2; exit 1
                    """, env, Duration.ofSeconds(120));
        } catch (AssertionError notUp) {
            throw new AssertionError(notUp.getMessage() + "\n" + logs(), notUp);
        }
    }

    /** The last lines of HAProxy's and each instance's log, for a drill that failed. */
    public String logs() {
        StringBuilder logs = new StringBuilder();
        try (var files = Files.list(run)) {
            for (Path log : files.filter(file -> file.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                logs.append("--- ").append(log.getFileName()).append(" (last 15 lines)\n");
                lines.subList(Math.max(0, lines.size() - 15), lines.size())
                        .forEach(line -> logs.append(line.length() > 300 ? line.substring(0, 300) : line).append('\n'));
            }
        } catch (IOException unreadable) {
            logs.append("(logs unreadable: ").append(unreadable.getMessage()).append(")");
        }
        return logs.toString();
    }

    /** HAProxy alone, for a host whose instances a deploy starts for the first time. */
    public void startBalancer() throws IOException {
        ProcessBuilder haproxy = new ProcessBuilder("haproxy", "-db", "-f",
                Runbook.repository().resolve("deploy/haproxy/haproxy.cfg").toString())
                .redirectErrorStream(true).redirectOutput(run.resolve("haproxy.log").toFile());
        haproxy.environment().putAll(Map.of(
                "LB_BIND", "127.0.0.1:" + lbPort,
                "LB_CERT", tls.resolve("haproxy.pem").toString(),
                "HAPROXY_SOCKET", env.get("HAPROXY_SOCKET"),
                "APP1_ADDR", "127.0.0.1:" + portPrefix + "1",
                "APP2_ADDR", "127.0.0.1:" + portPrefix + "2"));
        Process started = haproxy.start();
        processes.add(started);
        try {
            if (started.waitFor(500, TimeUnit.MILLISECONDS)) { // it exits at once when it cannot bind or parse
                throw new AssertionError("HAProxy exited with " + started.exitValue() + "\n" + logs());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A write token for the smoke check, made as runbooks/smoke-check.md makes it, in SMOKE_ADMIN_TOKEN_FILE. */
    public void createSmokeToken() {
        Runbook.bashOk("java -jar \"$LAUNCHLINE_HOME/current/launchline.jar\" admin-token create "
                + "--name smoke-monitor --scope write > \"$SMOKE_ADMIN_TOKEN_FILE\"", env, Duration.ofMinutes(1));
    }

    /** Signups through HAProxy at a steady rate, on a thread of their own, until {@link SteadySignups#stop}. */
    public SteadySignups signups(int perSecond, String prefix) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting())
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        return new SteadySignups(client, URI.create(env.get("API") + "/api/v1/waitlists/beta/signups"), perSecond, prefix);
    }

    public static final class SteadySignups {
        private final Map<String, Integer> answers = new ConcurrentHashMap<>();
        private final List<CompletableFuture<Void>> requests = new ArrayList<>();
        private final Thread sender;
        private volatile boolean stopping;

        private SteadySignups(HttpClient client, URI signups, int perSecond, String prefix) {
            sender = Thread.ofPlatform().name("steady-signups").start(() -> {
                long start = System.nanoTime();
                for (int sent = 0; !stopping; sent++) {
                    long wait = start + sent * 1_000_000_000L / perSecond - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException interrupted) {
                            return;
                        }
                    }
                    String email = prefix + "-" + sent + "@rocket-users.test";
                    requests.add(client.sendAsync(HttpRequest.newBuilder(signups).timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"" + email + "\"}")).build(),
                            HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                                answers.put(email, failure == null ? response.statusCode() : -1);
                                return null;
                            }));
                }
            });
        }

        /** Stops sending and waits for every answer; returns address → status (-1: no answer). */
        public Map<String, Integer> stop() throws Exception {
            stopping = true;
            sender.join();
            CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            return Map.copyOf(answers);
        }
    }

    /** Every address with a signup row. */
    public Set<String> storedEmails() throws SQLException {
        Set<String> emails = new HashSet<>();
        try (Connection connection = database.connect();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select email from signup")) {
            while (rows.next()) {
                emails.add(rows.getString(1));
            }
        }
        return emails;
    }

    /** Waits (up to 60 s) until the outbox has nothing left to send; then the captured mails per address. */
    public Map<String, Long> mailsTo(Set<String> emails) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = database.connect();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select count(*) from outbox_email where status = 'pending'")) {
                rows.next();
                if (rows.getLong(1) == 0) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        return smtp.messages().stream().flatMap(mail -> mail.to().stream()).filter(emails::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** One line of figures: sent, failed (not 202), lost (202 but no row), mails missing and sent twice. */
    public record Tally(int sent, long failed, long lost, long missingMails, long duplicateMails, Map<Integer, Long> byStatus) {
        public String line() {
            return sent + " signups, " + failed + " failed, " + lost + " lost, " + duplicateMails
                    + " duplicate mails, " + missingMails + " mails missing (answers " + byStatus + ")";
        }
    }

    public Tally tally(Map<String, Integer> answers) throws Exception {
        Set<String> stored = storedEmails();
        Map<String, Long> mails = mailsTo(answers.keySet());
        return new Tally(answers.size(),
                answers.values().stream().filter(status -> status != 202).count(),
                answers.keySet().stream().filter(email -> !stored.contains(email)).count(),
                answers.keySet().stream().filter(email -> !mails.containsKey(email)).count(),
                mails.values().stream().filter(count -> count > 1).count(),
                answers.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> stopping = new ArrayList<>();
        processes.forEach(process -> stopping.add(process.toHandle()));
        try (var pids = Files.list(run)) {
            for (Path pid : pids.filter(file -> file.toString().endsWith(".pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(stopping::add);
            }
        }
        stopping.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : stopping) { // the instances drain first (SHUTDOWN_DRAIN_SECONDS)
            process.onExit().get(20, TimeUnit.SECONDS);
        }
        smtp.close();
    }

    private static int freePortBelowEphemeral() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found below 32000");
    }

    private static int freePortPrefix() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int prefix = ThreadLocalRandom.current().nextInt(2000, 3200); // ports 20001-31992
            if (free(prefix * 10 + 1) && free(prefix * 10 + 2)) {
                return prefix;
            }
        }
        throw new IllegalStateException("no two free ports found");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** A throwaway certificate for 127.0.0.1: haproxy.pem (certificate and key), trust.p12 (for the clients). */
    private static Path tlsCertificate(Path dir) throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Runbook.bashOk("""
                cd "$TLS"
                openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \\
                  -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null
                cat cert.pem key.pem > haproxy.pem
                """, Map.of("TLS", tls.toString()), Duration.ofSeconds(30));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream cert = Files.newInputStream(tls.resolve("cert.pem"))) {
            trust.setCertificateEntry("drill", CertificateFactory.getInstance("X.509").generateCertificate(cert));
        }
        try (var out = Files.newOutputStream(tls.resolve("trust.p12"))) {
            trust.store(out, TRUST_PASSWORD.toCharArray());
        }
        return tls;
    }

    private SSLContext trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.resolve("trust.p12"))) {
            trust.load(in, TRUST_PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static boolean onPath(String tool) {
        return Runbook.bash("command -v " + tool, Map.of(), Runbook.repository(), Duration.ofSeconds(5)).exitCode() == 0;
    }
}
