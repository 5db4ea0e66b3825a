package dev.launchline.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run for the JDK's ahead-of-time cache (JDK 25+, JEP 483, 514 and 515): it starts
 * the service exactly as production does ({@code java -XX:AOTCacheOutput=launchline.aot -jar
 * launchline.jar serve}) against a throwaway PostgreSQL and a capturing mail server of its own,
 * drives the funnel over loopback the way a launch does (signups as JSON and from forms, repeats,
 * bad input, confirmations, pages, contact form, health and metrics), then stops it with SIGTERM,
 * as an orchestrator would; the service's JVM writes the cache as it exits. A service started with
 * {@code -XX:AOTCache=launchline.aot} then finds those classes already loaded and linked and the
 * hot methods' profiles already gathered. It touches nothing outside its temporary directory, which
 * it deletes.
 *
 * <p>It lives here, not in the service, because it needs the embedded PostgreSQL and mail server
 * that the production jar leaves out; it talks to the service only over HTTP and SMTP.
 *
 * <p>The cache belongs to one jar and one JDK build: make it where the image is built, right
 * after the jar, with the JDK that will run it. With another jar or JDK the JVM says so once and
 * starts without it.
 *
 * <pre>./mvnw -q -pl app/dev-stack exec:java@aot-train -Dexec.args="app/target/launchline.jar app/target/launchline.aot"</pre>
 */
public final class AotTrainer {
    private static final int SIGNUPS = 600;
    private static final String USAGE = "usage: AotTrainer <launchline.jar> <cache to write, e.g. launchline.aot> [java binary]";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final DevMailServer mail;

    private AotTrainer(String base, DevMailServer mail) {
        this.base = base;
        this.mail = mail;
    }

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println(USAGE);
            System.exit(64);
        }
        String java = args.length == 3 ? args[2] : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> service = List.of(java, "-jar", Path.of(args[0]).toAbsolutePath().toString());
        System.exit(train(service, Path.of(args[1]).toAbsolutePath(), System.out, System.err));
    }

    /**
     * Trains a cache for the service that {@code launch} starts (a java binary and what goes before
     * the command, e.g. {@code [java, -jar, launchline.jar]} or {@code [java, -cp, CP, dev.launchline.Main]}).
     * Returns the exit code: 0 when every step answered as a real visitor's would and the cache was written.
     */
    public static int train(List<String> launch, Path cache, PrintStream out, PrintStream err) {
        Path dir;
        try {
            // readable by all: as root, the embedded PostgreSQL runs as an unprivileged account
            dir = Files.createTempDirectory("launchline-aot-train",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.deleteIfExists(cache);
        } catch (IOException failed) {
            err.println("aot-train: cannot prepare: " + failed.getMessage());
            return 1;
        }
        Process service = null;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"),
                EmbeddedPostgres.Options.defaults().withDurable(false));
             DevMailServer mail = DevMailServer.start(0)) {
            postgres.createDatabaseIfMissing("launchline");
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(launch.get(0));
            command.add("-XX:AOTCacheOutput=" + cache);
            command.addAll(launch.subList(1, launch.size()));
            command.add("serve");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("service.log").toFile());
            builder.environment().putAll(serviceEnvironment(port, postgres.jdbcUrl("launchline"), mail.port(), dir));
            service = builder.start();
            AotTrainer training = new AotTrainer("http://127.0.0.1:" + port, mail);
            training.awaitReady(service, dir.resolve("service.log"));
            training.exercise();
            service.destroy(); // SIGTERM: the service shuts down in order and its JVM writes the cache
            if (!service.waitFor(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the service did not stop within 5 minutes of SIGTERM");
            }
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException("the service stopped (exit " + service.exitValue()
                        + ") without writing " + cache + "; is its java a JDK 25 or newer?\n" + tail(dir.resolve("service.log")));
            }
            out.println("aot-train: " + SIGNUPS + " signups, their confirmations and pages, contact forms and "
                    + "bad requests went through; cache written to " + cache);
            return 0;
        } catch (RuntimeException | IOException failed) {
            err.println("aot-train: " + failed.getMessage());
            return 1;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            err.println("aot-train: interrupted");
            return 1;
        } finally {
            if (service != null && service.isAlive()) {
                service.destroyForcibly();
            }
            deleteRecursively(dir);
        }
    }

    /** The dev funnels, production's log format, and no rate limit: every request comes from 127.0.0.1. */
    private static Map<String, String> serviceEnvironment(int port, String jdbcUrl, int smtpPort, Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("APP_ENV", "dev");
        env.put("PORT", String.valueOf(port));
        env.put("DATABASE_URL", jdbcUrl);
        env.put("DATABASE_USER", "postgres");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_SECURITY", "none");
        env.put("EMBEDDED_DATA_DIR", dir.toString());
        env.put("LOG_FORMAT", "json");
        env.put("BOT_MIN_FILL_SECONDS", "0");
        for (String limit : List.of("SIGNUPS_PER_IP", "FORMS_PER_IP", "EMAIL_LINKS_PER_IP", "STATUS_PER_IP",
                "PER_EMAIL", "CONFIRMATION_MAILS")) {
            env.put("RATE_LIMIT_" + limit, "off");
        }
        return env;
    }

    private void awaitReady(Process service, Path log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited with " + service.exitValue() + " before it was ready:\n"
                        + tail(log));
            }
            try {
                if (get("/readyz", "application/json").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // starting
            }
            sleep(200);
        }
        throw new IllegalStateException("the service was not ready within 120 s");
    }

    private void exercise() {
        for (int i = 0; i < SIGNUPS; i++) {
            String email = "train-" + i + "@launchline.localhost";
            if (i % 10 == 9) {
                expect(303, post("/api/v1/waitlists/launch/signups", "application/x-www-form-urlencoded", "text/html",
                        "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&name=Ada&team_size=3"));
            } else {
                expect(202, post("/api/v1/waitlists/launch/signups", "application/json", "application/json",
                        "{\"email\": \"" + email + "\", \"name\": \"Ada\", \"team_size\": \"3\", "
                                + "\"utm_source\": \"launch\", \"consent\": true}"));
            }
            if (i % 20 == 0) {
                expect(202, post("/api/v1/waitlists/launch/signups", "application/json", "application/json",
                        "{\"email\": \"" + email + "\"}")); // a repeat: answered alike, nothing new stored
                expect(400, post("/api/v1/waitlists/launch/signups", "application/json", "application/json", "{\"email\": "));
                expect(422, post("/api/v1/waitlists/launch/signups", "application/json", "application/json",
                        "{\"email\": \"not an address\"}"));
                expect(404, post("/api/v1/waitlists/nope/signups", "application/json", "application/json", "{}"));
                expect(200, get("/api/v1/form-token", "application/json"));
                expect(202, post("/api/v1/forms/contact/submissions", "application/json", "application/json",
                        "{\"email\": \"lead-" + i + "@launchline.localhost\", \"message\": \"Call me\", \"budget\": \"10k\"}"));
                expect(200, get("/healthz", "application/json"));
                expect(200, get("/readyz", "application/json"));
                expect(200, get("/metrics", "text/plain"));
            }
        }
        // the emails go out through the outbox; following their links is what people do next
        List<DevMailServer.CapturedMail> confirmations = awaitMail(SIGNUPS);
        for (DevMailServer.CapturedMail message : confirmations.subList(0, Math.min(200, confirmations.size()))) {
            for (String link : message.links()) {
                if (link.startsWith(base)) {
                    expect(200, get(link.substring(base.length()), "text/html"));
                }
                if (link.startsWith(base + "/confirm?token=")) {
                    String token = link.substring((base + "/confirm?token=").length());
                    expect(200, post("/api/v1/confirmations", "application/json", "application/json",
                            "{\"token\": \"" + token + "\"}"));
                }
            }
        }
    }

    private List<DevMailServer.CapturedMail> awaitMail(int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<DevMailServer.CapturedMail> received = mail.messages();
            if (received.size() >= atLeast) {
                return received;
            }
            sleep(100);
        }
        throw new IllegalStateException("the confirmation emails did not arrive within 60 s");
    }

    private HttpResponse<String> get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET());
    }

    private HttpResponse<String> post(String path, String contentType, String accept, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType).header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** A step that does not answer as it would for a visitor trains the wrong paths: stop there. */
    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri().getPath()
                    + " answered " + response.statusCode() + ", expected " + status);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException unreadable) {
            return "(no service log)";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory: the OS clears what is left
        }
    }
}
