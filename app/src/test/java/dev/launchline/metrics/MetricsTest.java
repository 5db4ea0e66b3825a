package dev.launchline.metrics;

import dev.launchline.support.Http.Response;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    private static final String TOKEN = "metrics-token-0123456789abcdef0123456789";

    @Test
    void request_latency_is_published_per_route_template_and_status_and_p95_can_be_read_in_process() {
        try (TestStack stack = TestStack.start()) {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"metered@example.test\"}");
            stack.http().get("/api/v1/status?token=not-a-real-token");

            String scrape = stack.http().get("/metrics").body();

            assertThat(scrape)
                    .contains("launchline_http_requests_seconds_count{environment=\"test\",method=\"POST\","
                            + "route=\"/api/v1/waitlists/{slug}/signups\",status=\"202\"} 1")
                    .contains("launchline_http_requests_seconds_bucket{")
                    .contains("launchline_build_info{environment=\"test\",release=\"launchline@")
                    .contains("jvm_memory_used_bytes")
                    .doesNotContain("not-a-real-token", "metered@example.test");
            assertThat(stack.service().metrics().routeLatencies())
                    .anySatisfy(latency -> {
                        assertThat(latency.route()).isEqualTo("/api/v1/waitlists/{slug}/signups");
                        assertThat(latency.status()).isEqualTo(202);
                        assertThat(latency.count()).isEqualTo(1);
                        assertThat(latency.p95Millis()).isPositive();
                    });
        }
    }

    @Test
    void a_request_its_route_guard_refuses_is_counted_under_that_route() {
        // the guards run before the handler: a 429 or 401 must still be told apart per route
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_SIGNUPS_PER_IP", "1/1h"))) {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"first@example.test\"}");
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"second@example.test\"}");
            stack.http().get("/api/v1/admin/signups");

            String scrape = stack.http().get("/metrics").body();

            assertThat(scrape)
                    .contains("method=\"POST\",route=\"/api/v1/waitlists/{slug}/signups\",status=\"429\"} 1")
                    .contains("method=\"GET\",route=\"/api/v1/admin/signups\",status=\"401\"} 1");
        }
    }

    @Test
    void with_a_metrics_token_the_scraper_must_send_it() {
        try (TestStack stack = TestStack.start(Map.of("METRICS_TOKEN", TOKEN))) {
            Response anonymous = stack.http().get("/metrics");
            Response wrong = stack.http().request("GET", "/metrics", "Authorization", "Bearer " + TOKEN + "x");
            Response right = stack.http().request("GET", "/metrics", "Authorization", "Bearer " + TOKEN);

            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.body()).contains("launchline_http_requests_seconds");
        }
    }

    @Test
    void outside_dev_and_test_metrics_without_a_token_are_not_served_at_all() {
        try (TestStack stack = TestStack.start(Map.of("APP_ENV", "staging"))) {
            assertThat(stack.http().get("/metrics").status()).isEqualTo(404);
        }
    }
}
