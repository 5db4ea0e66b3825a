package dev.launchline.edge;

import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.LocalWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge end to end: the Worker of cloudflare/ running in workerd ({@link LocalWorker}) in
 * front of the real service, which demands the origin-lock
 * secret. What a visitor does through the Worker works; the same request straight to the origin is
 * refused; a lock header a client makes up never gets through.
 */
@EnabledIf(value = "theWorkerCanRun", disabledReason = LocalWorker.MISSING)
class WorkerEndToEndTest {
    private static final String SECRET = "edge-e2e-k3y-Zr4Wq8Lm1Xn6Tb9Vc2Hd5Jp7";
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of("ORIGIN_LOCK_SECRET", SECRET,
            "RATE_LIMIT_SIGNUPS_PER_IP", "2/1m"));
    private static final AtomicInteger VISITORS = new AtomicInteger(1);
    private static LocalWorker worker;
    private static String edge;

    static boolean theWorkerCanRun() {
        return LocalWorker.canRun();
    }

    @BeforeAll
    static void startTheWorker() throws Exception {
        worker = LocalWorker.start(0, Map.of("ORIGIN_URL", "http://127.0.0.1:" + stack.service().port(),
                "ORIGIN_LOCK_SECRET", SECRET));
        edge = worker.url();
    }

    @AfterAll
    static void stopTheWorker() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void a_signup_through_the_worker_is_stored_and_its_confirmation_sent() throws Exception {
        HttpResponse<String> response = post(edge, "application/json",
                "{\"email\": \"through-edge@rocket-users.test\"}", Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("through-edge@rocket-users.test"))).isEqualTo(1);
        assertThat(stack.awaitMailTo("through-edge@rocket-users.test", "Confirm").links())
                .anyMatch(link -> link.contains("/confirm?token="));
    }

    @Test
    void the_landing_pages_form_posts_through_the_worker_and_gets_the_thank_you_redirect() throws Exception {
        HttpResponse<String> page = CLIENT.send(HttpRequest.newBuilder(URI.create(edge + "/?ref=k3m9p2x7qa")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("action=\"/api/v1/waitlists/launch/signups\"", "value=\"k3m9p2x7qa\"");

        HttpResponse<String> posted = post(edge, "application/x-www-form-urlencoded",
                "email=form-through-edge%40rocket-users.test&ref=k3m9p2x7qa", Map.of("Accept", "text/html"));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("form-through-edge@rocket-users.test"))).isEqualTo(1);
    }

    @Test
    void the_same_post_straight_to_the_origin_is_refused_and_stores_nothing() throws Exception {
        HttpResponse<String> response = post("http://127.0.0.1:" + stack.service().port(), "application/json",
                "{\"email\": \"around-edge@rocket-users.test\"}", Map.of());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("origin_locked");
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("around-edge@rocket-users.test"))).isZero();
    }

    @Test
    void a_lock_header_a_client_makes_up_is_replaced_by_the_workers_own() throws Exception {
        HttpResponse<String> response = post(edge, "application/json",
                "{\"email\": \"made-up-lock@rocket-users.test\"}", Map.of("X-Origin-Lock", "made-up-by-a-client"));

        // had the client's value reached the origin, this would be 403 origin_locked
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void each_visitor_has_a_rate_limit_of_their_own_behind_the_worker() throws Exception {
        Map<String, String> ada = Map.of("CF-Connecting-IP", "203.0.113.50"); // as Cloudflare sets it
        Map<String, String> bob = Map.of("CF-Connecting-IP", "203.0.113.51");

        assertThat(post(edge, "application/json", "{\"email\": \"ada1@rocket-users.test\"}", ada).statusCode()).isEqualTo(202);
        assertThat(post(edge, "application/json", "{\"email\": \"ada2@rocket-users.test\"}", ada).statusCode()).isEqualTo(202);
        assertThat(post(edge, "application/json", "{\"email\": \"ada3@rocket-users.test\"}", ada).statusCode())
                .as("RATE_LIMIT_SIGNUPS_PER_IP=2/1m").isEqualTo(429);
        // had the service seen the Worker's address for both, Bob would share Ada's spent limit
        assertThat(post(edge, "application/json", "{\"email\": \"bob1@rocket-users.test\"}", bob).statusCode()).isEqualTo(202);
    }

    private static HttpResponse<String> post(String base, String type, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1/waitlists/launch/signups"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("CF-Connecting-IP")) { // a visitor of its own, unless the test says otherwise
            request.header("CF-Connecting-IP", "198.51.100." + VISITORS.getAndIncrement());
        }
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
