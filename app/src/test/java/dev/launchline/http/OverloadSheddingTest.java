package dev.launchline.http;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Beyond what the instance can handle at once, requests wait for a bounded time in a bounded
 * queue, and the rest are refused at once with 503 overloaded: never an unbounded pile-up.
 * The signup table is locked so that the first requests hold their turns as long as we like.
 */
class OverloadSheddingTest {
    private static final ExecutorService CLIENTS = Executors.newVirtualThreadPerTaskExecutor();
    // HTTP_THREADS=8: four requests at once (four threads stay free to read and refuse)
    private static final Map<String, String> SMALL = Map.of(
            "HTTP_THREADS", "8",
            "REQUEST_QUEUE_MAX", "2",
            "REQUEST_QUEUE_WAIT_MS", "1500",
            "RATE_LIMIT_SIGNUPS_PER_IP", "off"); // and TestStack's pool of 4: the held signups take every connection

    @Test
    void past_the_active_requests_and_the_queue_a_signup_is_refused_at_once_and_nothing_of_it_is_stored() throws Exception {
        Map<String, String> patientQueue = new HashMap<>(SMALL);
        patientQueue.put("REQUEST_QUEUE_WAIT_MS", "20000"); // the queued two must outlast the checks below
        try (TestStack stack = TestStack.start(patientQueue);
             HeldSignups held = HeldSignups.takeEveryTurn(stack)) {
            // four signups hold every turn
            List<CompletableFuture<Http.Response>> queued = List.of(signUpAsync(stack, "queued0"), signUpAsync(stack, "queued1"));
            Thread.sleep(300); // and two wait in the queue, which is now full

            long started = System.nanoTime();
            Http.Response refused = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"refused@rocket-users.test\"}", "Origin", "https://rocket.test");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(refused.status()).isEqualTo(503);
            assertThat(tookMillis).as("refused without waiting for a turn").isLessThan(1000);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.header("Content-Type")).startsWith("application/json");
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("overloaded");
            assertThat(refused.json().at("/error/message").asText()).contains("try again");
            // the landing page's script may read it, and when to retry
            assertThat(refused.header("Access-Control-Allow-Origin")).isEqualTo("https://rocket.test");
            assertThat(refused.header("Access-Control-Expose-Headers")).contains("Retry-After");
            Http.Response preflight = stack.http().request("OPTIONS", "/api/v1/waitlists/launch/signups",
                    "Origin", "https://rocket.test", "Access-Control-Request-Method", "POST");
            assertThat(preflight.status()).as("a preflight is never refused as overload").isEqualTo(204);
            // an orchestrator still sees the busy instance alive and ready, though every pooled connection is taken
            assertThat(stack.http().get("/healthz").status()).isEqualTo(200);
            Http.Response ready = stack.http().get("/readyz");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);

            held.releaseAndExpectAccepted(); // the lock goes: the held and queued signups get their turn
            for (CompletableFuture<Http.Response> signup : queued) {
                assertThat(signup.get(15, TimeUnit.SECONDS).status()).isEqualTo(202);
            }
            assertThat(count(stack, "select count(*) from signup")).isEqualTo(6);
            assertThat(count(stack, "select count(*) from signup where email like 'refused%'")).isZero();
            assertThat(count(stack, "select count(*) from outbox_email")).as("each stored signup has its mail").isEqualTo(6);
            assertThat(stack.http().get("/metrics").body()).contains("launchline_http_shed_total{environment=\"test\"} 1.0");
        }
    }

    @Test
    void a_signup_that_waited_longer_than_the_queue_wait_is_refused_and_not_stored() throws Exception {
        try (TestStack stack = TestStack.start(SMALL);
             HeldSignups held = HeldSignups.takeEveryTurn(stack)) {

            long started = System.nanoTime();
            Http.Response waitedTooLong = signUp(stack, "late");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(waitedTooLong.status()).isEqualTo(503);
            assertThat(waitedTooLong.json().at("/error/code").asText()).isEqualTo("overloaded");
            assertThat(tookMillis).as("it waited REQUEST_QUEUE_WAIT_MS, not for the lock").isBetween(1000L, 10_000L);

            held.releaseAndExpectAccepted(); // the lock goes: the held signups get their turn
            assertThat(count(stack, "select count(*) from signup where email like 'late%'")).isZero();
            assertThat(count(stack, "select count(*) from signup")).isEqualTo(4);
        }
    }

    @Test
    void a_browser_that_is_refused_gets_a_page_not_json() throws Exception {
        try (TestStack stack = TestStack.start(Map.of("HTTP_THREADS", "8", "REQUEST_QUEUE_MAX", "0",
                "RATE_LIMIT_SIGNUPS_PER_IP", "off"));
             HeldSignups held = HeldSignups.takeEveryTurn(stack)) {

            Http.Response page = stack.http().postForm("/api/v1/waitlists/launch/signups", "email=browser%40rocket-users.test");

            assertThat(page.status()).isEqualTo(503);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.body()).contains("try again in a moment");
            held.releaseAndExpectAccepted(); // the lock goes: the held signups get their turn
        }
    }

    @Test
    void past_max_connections_a_new_connection_is_not_taken_until_one_closes() throws Exception {
        try (TestStack stack = TestStack.start(Map.of("MAX_CONNECTIONS", "16"))) {
            int port = Integer.parseInt(stack.env().get("PORT"));
            List<Socket> idle = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                idle.add(new Socket("127.0.0.1", port)); // connected, sending nothing
            }
            Thread.sleep(300); // accepted by now
            HttpClient fresh = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofMillis(1500)).build();

            assertThatThrownBy(() -> fresh.send(health, HttpResponse.BodyHandlers.ofString()))
                    .as("the 17th connection waits in the backlog, unanswered")
                    .isInstanceOf(HttpTimeoutException.class);

            for (Socket socket : idle) {
                socket.close();
            }
            assertThat(fresh.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Four signups waiting on a lock on the signup table: with HTTP_THREADS=8 they hold every
     * turn, and with TestStack's pool of 4 every pooled connection, for as long as the test likes.
     */
    private record HeldSignups(Connection blocker, List<CompletableFuture<Http.Response>> signups)
            implements AutoCloseable {
        static HeldSignups takeEveryTurn(TestStack stack) throws Exception {
            Connection blocker = DriverManager.getConnection(stack.env().get("DATABASE_URL"), "postgres", "");
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("lock table signup in exclusive mode");
            }
            List<CompletableFuture<Http.Response>> signups = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                signups.add(signUpAsync(stack, "held" + i));
            }
            Thread.sleep(500); // all four now wait on the lock
            return new HeldSignups(blocker, signups);
        }

        void releaseAndExpectAccepted() throws Exception {
            blocker.commit();
            for (CompletableFuture<Http.Response> signup : signups) {
                assertThat(signup.get(15, TimeUnit.SECONDS).status()).isEqualTo(202);
            }
        }

        @Override
        public void close() throws Exception {
            blocker.close();
        }
    }

    private static CompletableFuture<Http.Response> signUpAsync(TestStack stack, String who) {
        // a thread each: the common pool has one thread on a 2-core machine
        return CompletableFuture.supplyAsync(() -> signUp(stack, who), CLIENTS);
    }

    private static Http.Response signUp(TestStack stack, String who) {
        return stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + who + "@rocket-users.test\"}");
    }

    private static long count(TestStack stack, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(stack.env().get("DATABASE_URL"), "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
