package dev.launchline.load;

import dev.launchline.devstack.AotTrainer;
import dev.launchline.devstack.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long the service takes from {@code java -jar launchline.jar} to its first 200 on
 * {@code /readyz}, with and without JDK 25's AOT cache (trained by {@link AotTrainer}). Run it with
 * {@code ./mvnw -pl gatling -am verify -Pready -DskipTests}. The database is an embedded
 * PostgreSQL started beforehand with the schema already migrated (a deploy's database is up and
 * migrated too; first-time setup is not counted), mail goes to a local SMTP sink, so what is
 * timed is the JVM and the service: class loading, Flyway's check, the pool, Jetty.
 *
 * <p>Prints every start, then the median and the slowest per mode, and fails (exit 1) when a
 * median breaks its budget in budgets.properties (scenario "ready": {@code ready.plain.readyMs},
 * {@code ready.aot.readyMs}).
 */
public final class ReadyBenchmark {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private ReadyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int starts = Integer.getInteger("starts", 5);
        Path jar = Path.of(System.getProperty("serviceJar", "../app/target/launchline.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -pl gatling -am verify -Pready)");
        }
        Path dir = Path.of(System.getProperty("launchline.load.dir", "target"), "ready-" + Instant.now().getEpochSecond())
                .toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Budgets budgets = new Budgets();
        List<String> broken = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"));
             MailSink sink = MailSink.start()) {
            postgres.createDatabaseIfMissing("launchline");
            Map<String, String> env = Map.of(
                    "APP_ENV", "test",
                    "DATABASE_URL", postgres.jdbcUrl("launchline"),
                    "DATABASE_USER", "postgres",
                    "SMTP_HOST", "127.0.0.1",
                    "SMTP_PORT", String.valueOf(sink.port()),
                    "SMTP_SECURITY", "none",
                    "LOG_FORMAT", "json");
            System.out.println("first start, migrating the schema (not counted): "
                    + timeToReady(List.of(java.toString(), "-jar", jar.toString()), env, dir, "migrate") + " ms");

            List<Long> plain = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                plain.add(timeToReady(List.of(java.toString(), "-jar", jar.toString()), env, dir, "plain-" + i));
            }
            report("plain", plain, budgets.value("ready", "plain", "readyMs"), broken);

            if (Runtime.version().feature() < 25) {
                System.out.println("aot: skipped, the AOT cache needs JDK 25 or later (this is " + Runtime.version() + ")");
            } else {
                Path cache = dir.resolve("launchline.aot");
                if (AotTrainer.train(List.of(java.toString(), "-jar", jar.toString()), cache, System.out, System.err) != 0) {
                    throw new IllegalStateException("the AOT training run failed (see above)");
                }
                List<Long> aot = new ArrayList<>();
                for (int i = 0; i < starts; i++) {
                    aot.add(timeToReady(List.of(java.toString(), "-XX:AOTCache=" + cache, "-jar", jar.toString()),
                            env, dir, "aot-" + i));
                }
                report("aot", aot, budgets.value("ready", "aot", "readyMs"), broken);
            }
        }
        broken.forEach(line -> System.out.println("BUDGET BROKEN: " + line));
        System.exit(broken.isEmpty() ? 0 : 1);
    }

    /** Starts the service, times it to its first 200 on /readyz, stops it (SIGTERM) and waits for it. */
    private static long timeToReady(List<String> command, Map<String, String> env, Path dir, String name)
            throws IOException, InterruptedException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service-" + name + ".log").toFile());
        builder.environment().putAll(env);
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("PUBLIC_BASE_URL", "http://127.0.0.1:" + port);
        URI ready = URI.create("http://127.0.0.1:" + port + "/readyz");
        long started = System.nanoTime();
        Process service = builder.start();
        try {
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
                if (!service.isAlive()) {
                    throw new IllegalStateException("the service exited with " + service.exitValue()
                            + "; see " + dir.resolve("service-" + name + ".log"));
                }
                try {
                    if (CLIENT.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    }
                } catch (IOException notListeningYet) {
                    // still starting
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("not ready within 60 s; see " + dir.resolve("service-" + name + ".log"));
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    private static void report(String mode, List<Long> millis, double budget, List<String> broken) {
        List<Long> sorted = millis.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        boolean ok = median <= budget;
        System.out.printf("READY %s: %s ms; median %d ms, slowest %d ms (budget: median <= %.0f ms) %s%n",
                mode, millis, median, sorted.get(sorted.size() - 1), budget, ok ? "ok" : "BROKEN");
        if (!ok) {
            broken.add("ready " + mode + " median " + median + " ms against " + budget);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
