package dev.launchline.load;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * The wrk script's fixed schedule (signup.lua), against a local server that answers at once,
 * except where a test makes it stall for a second and answer nothing. Paced connections (each
 * pausing after its answer, as the script did before) would send a fifth fewer requests and time
 * only those in flight during the stall; on a schedule the rate holds, every request that fell
 * due during the stall waited for it, and that wait is counted. A ramp (the spike shape)
 * sends what a linear climb to the rate and then the rate itself make, not the full rate throughout.
 */
class WrkScheduleTest {
    private final ExecutorService handlers = Executors.newFixedThreadPool(32);
    private final long[] stall = new long[2]; // from, until (nanoTime); none until a test sets it
    private HttpServer server;
    private Path script;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(wrkInstalled(), "wrk is not installed (Debian: apt-get install wrk); .ci/run installs it");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
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
        script = WrkBenchmark.signupScript();
    }

    @AfterEach
    void stop() throws IOException {
        if (script != null) {
            Files.deleteIfExists(script);
        }
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
    }

    @Test
    void requests_due_while_the_server_stalls_are_counted_from_when_they_were_due() throws Exception {
        long start = System.nanoTime();
        stall[0] = start + TimeUnit.SECONDS.toNanos(2);
        stall[1] = start + TimeUnit.SECONDS.toNanos(3);
        Map<String, Double> run = WrkBenchmark.wrk(baseUrl(), script, 200, 0, 20, 5, "schedule test");

        // the rate asked for, stall or not (a closed loop would have lost about a fifth)
        assertThat(run.get("requests")).isBetween(900.0, 1050.0);
        assertThat(run.get("unmatched")).isZero();
        // about 200 requests fell due during the stall and waited up to a second each: the
        // slowest twentieth of all requests are among them
        assertThat(run.get("p95")).isGreaterThan(400.0);
        assertThat(run.get("max")).isGreaterThan(800.0);
    }

    @Test
    void a_ramp_climbs_to_the_rate_and_then_holds_it() throws Exception {
        // 0 to 400/s over 4 s is 800 requests, then 2 s at 400/s another 800: 1,600 in all,
        // where the full rate from the start would be 2,400 and a ramp over all 6 s 1,200
        Map<String, Double> run = WrkBenchmark.wrk(baseUrl(), script, 400, 4, 40, 6, "ramp test");

        assertThat(run.get("requests")).isBetween(1450.0, 1700.0);
        assertThat(run.get("unmatched")).isZero();
        assertThat(run.get("other_status")).isZero();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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
