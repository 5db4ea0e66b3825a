package dev.launchline.edge;

import dev.launchline.support.Http.Response;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static dev.launchline.db.schema.Tables.LEAD;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** What the service does about the edge in front of it: origin lock, cross-site posts, CORS, HSTS. */
class EdgeTest {
    private static final String SIGNUP_BODY = "{\"email\": \"%s\", \"consent\": true}";

    @Nested
    class OriginLocked {
        private static final String SECRET = "edge-shared-k3y-Vq7Lm2Xr9Tz4Wp8Nb1Hc6Jd0";
        private static final String PREVIOUS = "edge-older-k3y-Bn5Qw8Zx1Cv4Mk7Lp2Rt9Yh3";

        @RegisterExtension
        static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of("ORIGIN_LOCK_SECRET", SECRET,
                "ORIGIN_LOCK_SECRET_PREVIOUS", PREVIOUS));

        @Test
        void during_a_rotation_the_previous_secret_is_accepted_too() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("via-old-edge@example.test"), "X-Origin-Lock", PREVIOUS);

            assertThat(response.status()).isEqualTo(202);
        }

        @Test
        void a_request_without_the_edge_secret_is_refused_and_nothing_is_stored() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("bypass@example.test"));

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("origin_locked");
            assertThat(stack.db().fetchCount(SIGNUP)).isZero();
        }

        @Test
        void a_wrong_secret_is_refused() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("guess@example.test"), "X-Origin-Lock", SECRET.substring(1) + "x");

            assertThat(response.status()).isEqualTo(403);
        }

        @Test
        void a_request_with_the_secret_goes_through() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("via-edge@example.test"), "X-Origin-Lock", SECRET);

            assertThat(response.status()).isEqualTo(202);
        }

        @Test
        void health_endpoints_and_metrics_stay_open_for_monitors_which_talk_to_the_origin() {
            assertThat(stack.http().get("/healthz").status()).isEqualTo(200);
            assertThat(stack.http().get("/readyz").status()).isEqualTo(200);
            assertThat(stack.http().get("/metrics").status()).as("guarded by METRICS_TOKEN instead").isEqualTo(200);
        }

        @Test
        void the_secret_never_appears_in_a_response() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups", "{}", "X-Origin-Lock", "nope");

            // the refusal itself, not some other error that happens to leave the secret out
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("origin_locked");
            assertThat(response.body()).doesNotContain(SECRET);
            assertThat(response.raw().headers().map().toString()).doesNotContain(SECRET);
        }
    }

    @Nested
    class CrossSite {
        @RegisterExtension
        static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of(
                "PUBLIC_BASE_URL", "https://api.rocket.test",
                "FUNNELS", """
                        {"waitlists": [{"slug": "launch", "name": "Rocket", "public_url": "https://rocket.test/",
                                        "allowed_origins": ["https://www.rocket.test"]}],
                         "forms": [{"slug": "contact", "recipients": ["sales@rocket.test"],
                                    "allowed_origins": ["https://contact.rocket.test"]}]}
                        """));

        @Test
        void a_post_from_the_waitlists_own_site_is_accepted_with_cors_headers() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("own-site@example.test"), "Origin", "https://rocket.test");

            assertThat(response.status()).isEqualTo(202);
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://rocket.test");
            assertThat(response.header("Vary")).contains("Origin");
            assertThat(response.header("Access-Control-Expose-Headers")).contains("Retry-After");
        }

        @Test
        void a_listed_extra_origin_is_accepted() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("www@example.test"), "Origin", "https://www.rocket.test");

            assertThat(response.status()).isEqualTo(202);
        }

        @Test
        void a_post_from_a_foreign_origin_is_refused_and_stores_nothing() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("victim@example.test"), "Origin", "https://evil.test");

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("forbidden_origin");
            assertThat(response.header("Access-Control-Allow-Origin")).isNull();
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("victim@example.test"))).isZero();
        }

        @Test
        void a_look_alike_origin_is_foreign() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("lookalike@example.test"), "Origin", "https://rocket.test.evil.test");

            assertThat(response.status()).isEqualTo(403);
        }

        @Test
        void a_foreign_referer_without_origin_is_refused() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("referer@example.test"), "Referer", "https://evil.test/page");

            assertThat(response.status()).isEqualTo(403);
        }

        @Test
        void an_opaque_null_origin_is_refused() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("sandboxed@example.test"), "Origin", "null");

            assertThat(response.status()).isEqualTo(403);
        }

        @Test
        void a_form_accepts_only_its_own_origins() {
            String lead = "{\"email\": \"lead@example.test\", \"message\": \"hello\"}";

            Response fromContactSite = stack.http().postJson("/api/v1/forms/contact/submissions", lead,
                    "Origin", "https://contact.rocket.test");
            Response fromWaitlistSite = stack.http().postJson("/api/v1/forms/contact/submissions", lead,
                    "Origin", "https://rocket.test");

            assertThat(fromContactSite.status()).isEqualTo(202);
            assertThat(fromWaitlistSite.status()).isEqualTo(403);
            assertThat(stack.db().fetchCount(LEAD)).isEqualTo(1);
        }

        @Test
        void a_preflight_from_an_allowed_origin_is_answered() {
            Response response = stack.http().request("OPTIONS", "/api/v1/waitlists/launch/signups",
                    "Origin", "https://rocket.test", "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "content-type");

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://rocket.test");
            assertThat(response.header("Access-Control-Allow-Methods")).contains("POST");
            assertThat(response.header("Access-Control-Allow-Headers")).containsIgnoringCase("content-type");
        }

        @Test
        void a_landing_page_on_a_funnel_origin_may_read_a_form_token_and_others_may_not() {
            Response own = stack.http().request("GET", "/api/v1/form-token", "Origin", "https://rocket.test");
            Response foreign = stack.http().request("GET", "/api/v1/form-token", "Origin", "https://evil.test");

            assertThat(own.status()).isEqualTo(200);
            assertThat(own.header("Access-Control-Allow-Origin")).isEqualTo("https://rocket.test");
            assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        }

        @Test
        void a_preflight_from_a_foreign_origin_is_refused() {
            Response response = stack.http().request("OPTIONS", "/api/v1/waitlists/launch/signups",
                    "Origin", "https://evil.test", "Access-Control-Request-Method", "POST");

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.header("Access-Control-Allow-Origin")).isNull();
        }

        @Test
        void a_server_to_server_post_without_origin_or_referer_is_accepted() {
            Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("backend@example.test"));

            assertThat(response.status()).isEqualTo(202);
        }

        @Test
        void https_deployments_send_strict_transport_security_on_every_response() {
            assertThat(stack.http().get("/healthz").header("Strict-Transport-Security")).isEqualTo("max-age=63072000");
            assertThat(stack.http().get("/nowhere").header("Strict-Transport-Security")).isEqualTo("max-age=63072000");
        }
    }

    @Test
    void plain_http_deployments_do_not_send_hsts() {
        try (TestStack stack = TestStack.start()) {
            assertThat(stack.http().get("/healthz").header("Strict-Transport-Security")).isNull();
            assertThat(stack.http().get("/healthz").header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }

    @Nested
    class WithoutTheLock {
        @RegisterExtension
        static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of("RATE_LIMIT_SIGNUPS_PER_IP", "1/1m"));

        @Test
        void the_edges_visitor_header_is_not_believed_from_a_request_that_did_not_prove_it_came_through_the_edge() {
            Response first = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("spoof1@example.test"), ClientAddresses.EDGE_CLIENT_HEADER, "203.0.113.1");
            Response second = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    SIGNUP_BODY.formatted("spoof2@example.test"), ClientAddresses.EDGE_CLIENT_HEADER, "203.0.113.2");

            assertThat(first.status()).isEqualTo(202);
            assertThat(second.status()).as("the same client, whatever the header says").isEqualTo(429);
        }
    }
}
