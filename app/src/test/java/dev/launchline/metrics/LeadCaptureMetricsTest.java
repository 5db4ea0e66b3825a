package dev.launchline.metrics;

import dev.launchline.lead.LeadService;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http.Response;
import dev.launchline.support.RejectingSmtpServer;
import dev.launchline.support.TestStack;
import dev.launchline.waitlist.WaitlistEmails;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** The business meters on /metrics, scraped after real traffic through the real service. */
class LeadCaptureMetricsTest {
    private static final String SIGNUPS = "launchline_signups_total";
    private static final String CONFIRMED = "launchline_signups_confirmed_total";
    private static final String LEADS = "launchline_leads_total";
    private static final String SENT = "launchline_emails_sent_total";

    @Test
    void signups_confirmations_and_leads_count_once_each_and_repeats_and_duplicates_do_not() {
        try (TestStack stack = TestStack.start()) {
            Scrape before = Scrape.of(stack);
            assertThat(before.value(SIGNUPS, "waitlist", "launch")).isZero(); // registered before the first signup
            assertThat(before.value(LEADS, "form", "contact")).isZero();

            signUp(stack, "launch", "ada@rocket-users.test");
            signUp(stack, "launch", "ada@rocket-users.test"); // a repeat: the same person, no new signup
            signUp(stack, "instant", "bob@rocket-users.test"); // no double opt-in: confirmed at once
            String lead = "{\"email\": \"cyd@rocket-users.test\", \"message\": \"Call me\"}";
            assertThat(stack.http().postJson("/api/v1/forms/contact/submissions", lead).status()).isEqualTo(202);
            assertThat(stack.http().postJson("/api/v1/forms/contact/submissions", lead).status()).isEqualTo(202);
            String token = confirmToken(stack, "ada@rocket-users.test");
            confirm(stack, token);
            confirm(stack, token); // the second use changes nothing

            Scrape after = Scrape.of(stack);
            assertThat(after.value(SIGNUPS, "waitlist", "launch")).isEqualTo(1);
            assertThat(after.value(SIGNUPS, "waitlist", "instant")).isEqualTo(1);
            assertThat(after.value(CONFIRMED, "waitlist", "launch")).isEqualTo(1);
            assertThat(after.value(CONFIRMED, "waitlist", "instant")).isEqualTo(1);
            assertThat(after.value(LEADS, "form", "contact")).isEqualTo(1);
            assertThat(after.help(SIGNUPS)).contains("new signups stored, per waitlist");
            // ada's signup and her repeat went through the group commit (bob's waitlist has no
            // double opt-in, a path of its own), one after the other: two batches, each timed
            assertThat(after.value("launchline_db_group_commit_duration_seconds_count", "statement", "new_signup"))
                    .isEqualTo(2);
            assertThat(after.value("launchline_db_group_commit_duration_seconds", "statement", "new_signup", "quantile", "0.99"))
                    .isPositive();
            // ada's confirmation; ada's and bob's "you're on the list"; two notifications and one acknowledgement
            Scrape mailed = eventually(stack, scrape -> scrape.count(SENT, "kind", WaitlistEmails.ON_THE_LIST) == 2
                    && scrape.count(SENT, "kind", LeadService.NOTIFICATION) == 2
                    && scrape.count(SENT, "kind", LeadService.ACKNOWLEDGEMENT) >= 1);
            assertThat(mailed.value(SENT, "kind", WaitlistEmails.CONFIRM)).isEqualTo(1);
            assertThat(mailed.value(SENT, "kind", LeadService.ACKNOWLEDGEMENT)).isEqualTo(1);
            assertThat(mailed.count("launchline_emails_dead_lettered_total", "kind", WaitlistEmails.CONFIRM)).isZero();
            assertThat(mailed.text()).doesNotContain("rocket-users.test", token);
        }
    }

    @Test
    void a_temporarily_refused_email_counts_as_retried_and_once_out_of_attempts_as_dead_lettered() throws Exception {
        try (RejectingSmtpServer smtp = new RejectingSmtpServer("451 4.3.0 try again later");
             TestStack stack = TestStack.start(Map.of("SMTP_PORT", String.valueOf(smtp.port()),
                     "OUTBOX_MAX_ATTEMPTS", "2", "HEALTH_CACHE_SECONDS", "1"))) {
            signUp(stack, "launch", "nobody@rocket-users.test");

            Scrape dead = eventually(stack, scrape ->
                    scrape.count("launchline_emails_dead_lettered_total", "kind", WaitlistEmails.CONFIRM) == 1
                            && scrape.value("launchline_outbox_dead_letters_emails") == 1);
            assertThat(dead.value("launchline_emails_retried_total", "kind", WaitlistEmails.CONFIRM)).isEqualTo(1);
            assertThat(dead.count(SENT, "kind", WaitlistEmails.CONFIRM)).isZero();
            assertThat(dead.value("launchline_outbox_backlog_emails")).isZero();
            assertThat(smtp.recipientsRefused()).isEqualTo(2);
        }
    }

    @Test
    void a_permanently_refused_email_is_dead_lettered_at_once() throws Exception {
        try (RejectingSmtpServer smtp = new RejectingSmtpServer("550 5.1.1 no such user");
             TestStack stack = TestStack.start(Map.of("SMTP_PORT", String.valueOf(smtp.port())))) {
            signUp(stack, "launch", "nobody@rocket-users.test");

            Scrape dead = eventually(stack, scrape ->
                    scrape.count("launchline_emails_dead_lettered_total", "kind", WaitlistEmails.CONFIRM) == 1);
            assertThat(dead.count("launchline_emails_retried_total", "kind", WaitlistEmails.CONFIRM)).isZero();
            assertThat(dead.help("launchline_emails_dead_lettered_total")).contains("given up on");
        }
    }

    @Test
    void refusals_count_under_the_rule_that_refused_them() {
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_SIGNUPS_PER_IP", "1/1h",
                "ADMIN_AUTH_FAILURE_LIMIT", "1"))) {
            assertThat(signUp(stack, "launch", "first@rocket-users.test").status()).isEqualTo(202);
            assertThat(signUp(stack, "launch", "second@rocket-users.test").status()).isEqualTo(429);
            // admin: the first bad token is a 401, the second empties the bucket, the third is refused unread
            for (int expected : new int[] {401, 429, 429}) {
                assertThat(stack.http().request("GET", "/api/v1/admin/signups", "Authorization", "Bearer wrong-token")
                        .status()).isEqualTo(expected);
            }

            Scrape scrape = Scrape.of(stack);
            assertThat(scrape.value("launchline_rate_limit_rejections_total", "rule", "signups-per-ip")).isEqualTo(1);
            assertThat(scrape.value("launchline_rate_limit_rejections_total", "rule", "admin_auth_failures")).isEqualTo(2);
            assertThat(scrape.value(SIGNUPS, "waitlist", "launch")).isEqualTo(1);
            assertThat(scrape.text()).doesNotContain("127.0.0.1", "wrong-token");
        }
    }

    @Test
    void bot_drops_count_by_reason_and_a_dropped_signup_is_no_signup() {
        try (TestStack stack = TestStack.start()) {
            Response dropped = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"bot@rocket-users.test\", \"website\": \"http://spam.example\"}");
            assertThat(dropped.status()).isEqualTo(202); // the bot is told "thanks"

            Scrape scrape = Scrape.of(stack);
            assertThat(scrape.value("launchline_bot_drops_total", "reason", "honeypot")).isEqualTo(1);
            assertThat(scrape.value("launchline_bot_drops_total", "reason", "too_fast")).isZero();
            assertThat(scrape.value(SIGNUPS, "waitlist", "launch")).isZero();
        }
    }

    @Test
    void referrals_without_credit_count_by_reason() {
        try (TestStack stack = TestStack.start(Map.of("RATE_LIMIT_PER_REFERRAL_CODE", "1/1h"))) {
            signUp(stack, "launch", "ada@rocket-users.test");
            String code = stack.db().fetchValue(SIGNUP.REFERRAL_CODE, SIGNUP.EMAIL.eq("ada@rocket-users.test"));
            // ada again under a +tag: the code's one allowed use, then refused credit as a self-referral
            signUp(stack, "{\"email\": \"ada+2@rocket-users.test\", \"ref\": \"" + code + "\"}");
            // the code is now over its limit: bob joins, uncredited
            signUp(stack, "{\"email\": \"bob@rocket-users.test\", \"ref\": \"" + code + "\"}");

            Scrape scrape = Scrape.of(stack);
            assertThat(scrape.value("launchline_referrals_uncredited_total", "reason", "self_referral")).isEqualTo(1);
            assertThat(scrape.value("launchline_referrals_uncredited_total", "reason", "over_limit")).isEqualTo(1);
            assertThat(scrape.count("launchline_referrals_uncredited_total", "reason", "same_network")).isZero();
            assertThat(scrape.value(SIGNUPS, "waitlist", "launch")).isEqualTo(3);
        }
    }

    @Test
    void the_database_pool_and_the_outbox_are_published_as_gauges() {
        try (TestStack stack = TestStack.start()) {
            Scrape scrape = Scrape.of(stack);

            assertThat(scrape.value("hikaricp_connections_max", "pool", "launchline")).isEqualTo(4); // DATABASE_POOL_SIZE
            assertThat(scrape.value("hikaricp_connections_active", "pool", "launchline")).isBetween(0.0, 4.0);
            assertThat(scrape.value("hikaricp_connections_pending", "pool", "launchline")).isZero();
            assertThat(scrape.text()).contains("hikaricp_connections_acquire_seconds_count{");
            assertThat(scrape.value("launchline_outbox_backlog_emails")).isZero();
            assertThat(scrape.value("launchline_outbox_oldest_pending_age_seconds")).isZero();
            assertThat(scrape.value("launchline_mail_degraded")).isZero();
            assertThat(scrape.value("launchline_last_signup_timestamp_seconds")).isNaN(); // no signup yet
            assertThat(scrape.help("launchline_outbox_oldest_pending_age_seconds")).contains("oldest undelivered email");
        }
    }

    @Test
    void with_the_database_gone_the_scrape_still_answers_and_the_database_gauges_read_nan() {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + TestStack.freePort() + "/launchline";
        try (TestStack stack = TestStack.start(Map.of("DATABASE_URL", nowhere, "MIGRATE_ON_START", "false"))) {
            Scrape scrape = Scrape.of(stack);

            assertThat(scrape.value("launchline_outbox_backlog_emails")).isNaN();
            assertThat(scrape.value("launchline_outbox_oldest_pending_age_seconds")).isNaN();
            assertThat(scrape.value("hikaricp_connections_max", "pool", "launchline")).isEqualTo(4);
            assertThat(stack.http().get("/readyz").status()).isEqualTo(503);
        }
    }

    private static Response signUp(TestStack stack, String waitlist, String email) {
        return stack.http().postJson("/api/v1/waitlists/" + waitlist + "/signups", "{\"email\": \"" + email + "\"}");
    }

    private static void signUp(TestStack stack, String json) {
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", json).status()).isEqualTo(202);
    }

    private static String confirmToken(TestStack stack, String email) {
        String link = stack.awaitMailTo(email, "Confirm").links().stream()
                .filter(candidate -> candidate.contains("/confirm?")).findFirst().orElseThrow();
        return link.substring(link.indexOf("token=") + 6);
    }

    private static void confirm(TestStack stack, String token) {
        assertThat(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "\"}").status())
                .isEqualTo(200);
    }

    /** Scrapes until {@code done} holds (mail is delivered in the background), up to 15 s. */
    private static Scrape eventually(TestStack stack, java.util.function.Predicate<Scrape> done) {
        return Eventually.get(() -> Optional.of(Scrape.of(stack)).filter(done), Duration.ofSeconds(15));
    }
}
