package dev.launchline.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Worker of cloudflare/ running locally in workerd (Miniflare, through
 * cloudflare/scripts/serve-local.mjs) in front of an origin. Needs Node 20+ and
 * cloudflare/node_modules, which `./mvnw verify` installs (.mvn/npm-test.sh) before app's tests.
 */
public final class LocalWorker implements AutoCloseable {
    public static final String MISSING = "needs Node 20+ and cloudflare/node_modules "
            + "(./mvnw verify installs them with npm ci before these tests; or run npm ci in cloudflare/)";
    private static final Path CLOUDFLARE = Path.of("..", "cloudflare").toAbsolutePath().normalize();

    private final Process process;
    private final String url;

    private LocalWorker(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    public static boolean canRun() {
        return Files.isDirectory(CLOUDFLARE.resolve("node_modules/miniflare")) && nodeRuns();
    }

    private static boolean nodeRuns() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return node.waitFor() == 0 && Integer.parseInt(version.replaceAll("^v(\\d+).*", "$1")) >= 20;
        } catch (IOException | InterruptedException | NumberFormatException notThere) {
            return false;
        }
    }

    /**
     * @param port     where it listens (0: any free port)
     * @param bindings the Worker's variables and secrets (ORIGIN_URL, ORIGIN_LOCK_SECRET, ...)
     */
    public static LocalWorker start(int port, Map<String, String> bindings) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "scripts/serve-local.mjs", String.valueOf(port))
                .directory(CLOUDFLARE.toFile()).redirectErrorStream(true);
        builder.environment().putAll(bindings);
        Process process = builder.start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String url = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    if (line.startsWith("ready ")) {
                        return line.substring("ready ".length()).replaceAll("/$", "");
                    }
                    seen.append(line).append('\n');
                }
                throw new IllegalStateException("the Worker stopped before it was ready:\n" + seen);
            } catch (IOException failed) {
                throw new IllegalStateException(failed);
            }
        }).get(60, TimeUnit.SECONDS);
        Thread.ofVirtual().start(() -> {
            try {
                output.transferTo(Writer.nullWriter()); // keep draining what it prints
            } catch (IOException stopped) {
                // it stopped
            }
        });
        return new LocalWorker(process, url);
    }

    /** e.g. http://127.0.0.1:38017, no trailing slash. */
    public String url() {
        return url;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
