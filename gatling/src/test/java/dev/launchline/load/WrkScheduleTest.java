package dev.launchline.load;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The wrk script's fixed schedule (signup.lua), against a local server that answers at once
 * except for one second in the middle, when it answers nothing. Paced connections (each pausing
 * after its answer, as the script did before) would send a fifth fewer requests and time only
 * those in flight during the stall; on a schedule the rate holds, every request that fell due
 * during the stall waited for it, and that wait is counted.
 */
class WrkScheduleTest {

    @Test
    void requests_due_while_the_server_stalls_are_counted_from_when_they_were_due() throws Exception {
        assumeTrue(wrkInstalled(), "wrk is not installed (Debian: apt-get install wrk); .ci/run installs it");
        ExecutorService handlers = Executors.newFixedThreadPool(32);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        long[] stall = new long[2]; // from, until (nanoTime)
        server.createContext("/api/v1/waitlists/launch/signups", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            long now = System.nanoTime();
            if (now >= stall[0] && now < stall[1]) {
                try {
                    TimeUnit.NANOSECONDS.sleep(stall[1] - now);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.getResponseHeaders().set("X-Request-Id", exchange.getRequestHeaders().getFirst("X-Request-Id"));
            byte[] answer = "{\"status\":\"pending\"}".getBytes();
            exchange.sendResponseHeaders(202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(handlers);
        server.start();
        Path script = WrkBenchmark.signupScript();
        try {
            long start = System.nanoTime();
            stall[0] = start + TimeUnit.SECONDS.toNanos(2);
            stall[1] = start + TimeUnit.SECONDS.toNanos(3);
            String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
            Map<String, Double> run = WrkBenchmark.wrk(baseUrl, script, 200, 20, 5, "schedule test");

            // the rate asked for, stall or not (a closed loop would have lost about a fifth)
            assertThat(run.get("requests")).isBetween(900.0, 1050.0);
            assertThat(run.get("unmatched")).isZero();
            // about 200 requests fell due during the stall and waited up to a second each: the
            // slowest twentieth of all requests are among them
            assertThat(run.get("p95")).isGreaterThan(400.0);
            assertThat(run.get("max")).isGreaterThan(800.0);
        } finally {
            Files.deleteIfExists(script);
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    private static boolean wrkInstalled() {
        try {
            Process wrk = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            wrk.getInputStream().readAllBytes();
            wrk.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException | InterruptedException missing) {
            return false;
        }
    }
}
