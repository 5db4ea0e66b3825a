package dev.launchline.aot;

import dev.launchline.Config;
import dev.launchline.Launchline;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.dev.DevMailServer.CapturedMail;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code launchline aot-train}: the training run for the JDK's ahead-of-time cache (JDK 25+,
 * JEP 483, 514 and 515). Run as
 * {@code java -XX:AOTCacheOutput=launchline.aot -jar launchline.jar aot-train}, it starts the
 * service on a throwaway embedded database and mail server, drives the funnel over loopback the
 * way a launch does (signups as JSON and from forms, repeats, bad input, confirmations, pages,
 * contact form, health and metrics), and stops; the JVM writes the cache as it exits. A service
 * started with {@code -XX:AOTCache=launchline.aot} then finds those classes already loaded and
 * linked and the hot methods' profiles already gathered. It touches nothing outside its
 * temporary directory, which it deletes.
 *
 * <p>The cache belongs to one jar and one JDK build: make it where the image is built, right
 * after the jar. With another jar or JDK the JVM says so once and starts without it.
 */
public final class AotTraining {
    private static final int SIGNUPS = 600;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private AotTraining(String base) {
        this.base = base;
    }

    /** Returns the exit code: 0 when every step answered as a real visitor's would. */
    public static int run(PrintStream out, PrintStream err) {
        Path dir;
        try {
            // readable by all: as root, the embedded PostgreSQL runs as an unprivileged account
            dir = Files.createTempDirectory("launchline-aot-train",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException failed) {
            err.println("aot-train: cannot create a temporary directory: " + failed.getMessage());
            return 1;
        }
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("APP_ENV", "dev"); // embedded PostgreSQL and mail server, the dev funnels
        env.put("PORT", String.valueOf(port));
        env.put("EMBEDDED_DATA_DIR", dir.toString());
        env.put("LOG_FORMAT", "json"); // as in production
        env.put("BOT_MIN_FILL_SECONDS", "0");
        for (String limit : List.of("SIGNUPS_PER_IP", "FORMS_PER_IP", "EMAIL_LINKS_PER_IP", "STATUS_PER_IP",
                "PER_EMAIL", "CONFIRMATION_MAILS")) {
            env.put("RATE_LIMIT_" + limit, "off"); // every request comes from 127.0.0.1
        }
        Config config = Config.load(new EnvironmentVariables(env));
        try (Launchline service = Launchline.start(config)) {
            AotTraining training = new AotTraining("http://127.0.0.1:" + service.port());
            training.exercise(service);
            out.println("aot-train: " + SIGNUPS + " signups, their confirmations and pages, contact forms and "
                    + "bad requests went through; the JVM writes the cache as it exits");
            return 0;
        } catch (RuntimeException failed) {
            err.println("aot-train: " + failed.getMessage());
            return 1;
        } finally {
            deleteRecursively(dir);
        }
    }

    private void exercise(Launchline service) {
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
        List<CapturedMail> confirmations = awaitMail(service, SIGNUPS);
        for (CapturedMail mail : confirmations.subList(0, Math.min(200, confirmations.size()))) {
            for (String link : mail.links()) {
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

    private List<CapturedMail> awaitMail(Launchline service, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<CapturedMail> mail = service.devMail().orElseThrow().messages();
            if (mail.size() >= atLeast) {
                return mail;
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

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory: the OS clears what is left
        }
    }
}
