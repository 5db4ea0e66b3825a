package dev.launchline.ratelimit;

import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.LEAD;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Rate limits with this instance's own buckets (no REDIS_URL): floods, spoofing, list-bombing, referral floods. */
class RateLimitTest {
    private static final String BEHIND_CLOUDFLARE = "127.0.0.1/32"; // in tests the "proxy" is the test itself

    @Test
    void a_flood_from_one_ip_gets_429_with_headers_and_stores_nothing_while_another_visitor_signs_up() {
        try (TestStack stack = TestStack.start(Map.of(
                "TRUSTED_PROXIES", BEHIND_CLOUDFLARE, "RATE_LIMIT_SIGNUPS_PER_IP", "3/1h"))) {
            List<Http.Response> flood = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                flood.add(Clients.signUp(stack, "flood" + i + "@rocket-users.test", "203.0.113.7"));
            }
            Http.Response visitor = Clients.signUp(stack, "visitor@rocket-users.test", "198.51.100.20");

            assertThat(flood.subList(0, 3)).allSatisfy(response -> assertThat(response.status()).isEqualTo(202));
            assertThat(flood.get(0).header("RateLimit-Limit")).isEqualTo("3");
            assertThat(flood.get(0).header("RateLimit-Remaining")).isEqualTo("2");
            assertThat(flood.get(0).header("RateLimit-Policy")).isEqualTo("3;w=3600");
            assertThat(flood.get(0).header("Retry-After")).isNull();
            assertThat(flood.subList(3, 8)).allSatisfy(refused -> {
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.json().at("/error/code").asText()).isEqualTo("rate_limited");
                assertThat(refused.json().at("/error/message").asText()).contains("nothing was saved");
                assertThat(refused.json().at("/error/fields").isObject()).isTrue();
                assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 1200L);
                assertThat(refused.header("RateLimit-Limit")).isEqualTo("3");
                assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
                assertThat(Long.parseLong(refused.header("RateLimit-Reset"))).isBetween(1L, 3600L);
                assertThat(refused.header("RateLimit-Policy")).isEqualTo("3;w=3600");
            });
            assertThat(visitor.status()).isEqualTo(202);
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(4);
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL)).isEqualTo(4);
        }
    }

    @Test
    void a_spoofed_cf_connecting_ip_from_an_untrusted_peer_does_not_get_a_fresh_bucket() {
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_SIGNUPS_PER_IP", "3/1h"))) { // no TRUSTED_PROXIES
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                statuses.add(Clients.signUp(stack, "spoof" + i + "@rocket-users.test", "203.0.113." + (10 + i)).status());
            }
            assertThat(statuses).containsExactly(202, 202, 202, 429, 429, 429);
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(3);
        }
    }

    @Test
    void list_bombing_one_address_from_many_ips_across_waitlists_queues_at_most_the_per_email_limit_of_mails() {
        try (TestStack stack = TestStack.start(Map.of(
                "TRUSTED_PROXIES", BEHIND_CLOUDFLARE, "RATE_LIMIT_SIGNUPS_PER_IP", "3/1h",
                "RATE_LIMIT_PER_EMAIL", "3/1h", "RESEND_COOLDOWN_SECONDS", "0"))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String waitlist = i % 2 == 0 ? "launch" : "instant";
                statuses.add(Clients.signUp(stack, waitlist, "{\"email\": \"Victim@Inbox.test\"}", "203.0.113." + i).status());
            }
            Http.Response contactForm = Clients.post(stack, "/api/v1/forms/contact/submissions",
                    "{\"email\": \"victim@inbox.test\", \"message\": \"hello\"}", "203.0.113.99");

            assertThat(statuses).containsExactly(202, 202, 202, 429, 429, 429, 429, 429, 429, 429);
            assertThat(contactForm.status()).isEqualTo(429);
            assertThat(stack.db().fetchCount(LEAD)).isZero();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.RECIPIENT.equalIgnoreCase("victim@inbox.test")))
                    .isEqualTo(3);
            // another address is not affected by the victim's bucket
            assertThat(Clients.signUp(stack, "someone-else@inbox.test", "203.0.113.50").status()).isEqualTo(202);
        }
    }

    @Test
    void a_referral_code_over_its_limit_still_signs_visitors_up_but_credits_no_one_beyond_the_limit() {
        try (TestStack stack = TestStack.start(Map.of(
                "TRUSTED_PROXIES", BEHIND_CLOUDFLARE, "RATE_LIMIT_PER_REFERRAL_CODE", "2/1h"))) {
            assertThat(Clients.signUp(stack, "referrer@rocket-users.test", "198.51.100.1").status()).isEqualTo(202);
            long referrer = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL_KEY.eq("referrer@rocket-users.test"));
            String code = stack.db().fetchValue(SIGNUP.REFERRAL_CODE, SIGNUP.ID.eq(referrer));

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(Clients.signUp(stack, "launch", "{\"email\": \"friend" + i + "@rocket-users.test\", "
                        + "\"referral_code\": \"" + code + "\"}", "203.0.113." + (20 + i)).status());
            }

            assertThat(statuses).containsOnly(202);
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL_KEY.startsWith("friend"))).isEqualTo(5);
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.REFERRED_BY.eq(referrer))).isEqualTo(2);
        }
    }

    @Test
    void above_the_confirmation_mail_ceiling_signups_are_stored_and_their_mail_stays_queued() {
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_CONFIRMATION_MAILS", "3/1h"))) {
            for (int i = 0; i < 6; i++) {
                assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups",
                        "{\"email\": \"ceiling" + i + "@rocket-users.test\"}").status()).isEqualTo(202);
            }
            Eventually.get(() -> Optional.of(true).filter(settled -> stack.mail().size() == 3
                    && stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("pending")
                            .and(OUTBOX_EMAIL.LAST_ERROR.startsWith("held back"))) == 3
                    // the SMTP server has a mail a moment before the worker records it as sent
                    && stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent")) == 3), Duration.ofSeconds(15));

            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(6);
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent"))).isEqualTo(3);
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("dead"))).isZero();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.ATTEMPTS.gt(0)
                    .and(OUTBOX_EMAIL.STATUS.ne("sent")))).isZero();
        }
    }

    @Test
    void an_html_form_flood_gets_a_friendly_429_page() {
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_SIGNUPS_PER_IP", "2/1h"))) {
            List<Http.Response> posts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                posts.add(stack.http().postForm("/api/v1/waitlists/launch/signups", "email=form" + i + "%40rocket-users.test"));
            }
            assertThat(posts.get(0).status()).isEqualTo(303);
            Http.Response refused = posts.get(2);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Content-Type")).startsWith("text/html");
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(refused.body()).contains("Just a moment").contains("Please wait")
                    .contains("go back, wait a little").doesNotContain("correct the form");
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(2);
        }
    }

    @Test
    void contact_forms_and_email_link_buttons_are_limited_per_ip_and_health_endpoints_never() {
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_FORMS_PER_IP", "2/1h",
                "RATE_LIMIT_EMAIL_LINKS_PER_IP", "2/1h", "RATE_LIMIT_STATUS_PER_IP", "2/1h"))) {
            List<Integer> forms = new ArrayList<>();
            List<Integer> confirmations = new ArrayList<>();
            List<Integer> statusLookups = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                forms.add(stack.http().postJson("/api/v1/forms/contact/submissions",
                        "{\"email\": \"lead" + i + "@rocket-users.test\", \"message\": \"hi\"}").status());
                confirmations.add(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"not-a-token\"}").status());
                statusLookups.add(stack.http().get("/api/v1/status?token=not-a-token").status());
            }
            for (int i = 0; i < 20; i++) {
                assertThat(stack.http().get("/healthz").status()).isEqualTo(200);
            }
            assertThat(forms).containsExactly(202, 202, 429);
            assertThat(stack.db().fetchCount(LEAD)).isEqualTo(2);
            assertThat(confirmations).containsExactly(400, 400, 429);
            assertThat(statusLookups).containsExactly(400, 400, 429);
            assertThat(stack.http().get("/readyz").status()).isEqualTo(200);
        }
    }
}
