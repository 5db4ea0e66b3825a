package dev.launchline.admin;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/admin/health: the readiness detail for operators, behind an admin token. */
class AdminHealthTest {

    @Test
    void lead_capture_health_is_served_to_a_read_token_and_to_nobody_without_one() {
        try (TestStack stack = TestStack.start(AdminClient.TRUSTING_LOCALHOST)) {
            AdminClient admin = new AdminClient(stack);
            String reader = admin.issue("dashboard", "read");
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"ada@rocket-users.test\"}");

            Http.Response anonymous = admin.get(null, "/api/v1/admin/health");
            Http.Response wrong = admin.get("not-a-token", "/api/v1/admin/health");
            Http.Response health = admin.get(reader, "/api/v1/admin/health");

            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().at("/error/code").asText()).isEqualTo("unauthorized");
            assertThat(anonymous.body()).doesNotContain("outbox", "last_signup_at");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("ready");
            assertThat(health.json().at("/checks/mail/status").asText()).isEqualTo("ok");
            assertThat(health.json().at("/checks/mail/thresholds/oldest_pending_age_seconds").asLong()).isEqualTo(300);
            assertThat(health.json().at("/checks/leads/last_signup_at").asText()).isNotEmpty();
            assertThat(health.json().at("/checks/outbox").has("undelivered")).isTrue();
        }
    }
}
