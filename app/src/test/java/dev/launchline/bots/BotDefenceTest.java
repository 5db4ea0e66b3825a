package dev.launchline.bots;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.bots.BotDrops.Reason;
import dev.launchline.config.Secret;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import dev.launchline.token.TokenSigner;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.launchline.db.schema.Tables.LEAD;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Honeypot, form-fill time and disposable domains, over real HTTP against a real database.
 * The minimum fill time is 60 s here, so "too fast" never depends on how fast this machine is;
 * a "normal speed" submit carries a token issued (with the service's key) two minutes ago.
 */
class BotDefenceTest {
    private static final String SIGNUPS = "/api/v1/waitlists/launch/signups";
    private static final String CONTACT = "/api/v1/forms/contact/submissions";

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of(
            "BOT_MIN_FILL_SECONDS", "60", "BOT_FORM_TOKEN_MAX_AGE_MINUTES", "240",
            "DISPOSABLE_DOMAINS_EXTRA", "throwaway-inbox.test"));

    /** A form token as the service would have issued it at {@code issuedAt}: same key, same format. */
    static String formTokenIssuedAt(Instant issuedAt) {
        TokenSigner signer = new TokenSigner(Secret.of(TestStack.SIGNING_KEY), Optional.empty(), Clock.systemUTC());
        return new FormTokens(signer, Duration.ofSeconds(60), Duration.ofMinutes(240), Clock.systemUTC()).issue(issuedAt);
    }

    static String filledTwoMinutesAgo() {
        return formTokenIssuedAt(Instant.now().minus(Duration.ofMinutes(2)));
    }

    private static int signupsFor(String email) {
        return stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq(email));
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return body.toString();
    }

    @Nested
    class Honeypot {
        @Test
        void a_filled_honeypot_gets_the_same_json_answer_as_a_real_signup_and_nothing_is_stored() {
            long before = stack.botDrops().total(Reason.HONEYPOT);
            Http.Response real = stack.http().postJson(SIGNUPS, "{\"email\": \"person@rocket-users.test\"}");
            Http.Response bot = stack.http().postJson(SIGNUPS,
                    "{\"email\": \"victim@rocket-users.test\", \"website\": \"http://spam.example\"}");

            assertThat(bot.status()).isEqualTo(real.status()).isEqualTo(202);
            assertThat(bot.body()).isEqualTo(real.body());
            assertThat(bot.header("Content-Type")).isEqualTo(real.header("Content-Type"));
            assertThat(signupsFor("victim@rocket-users.test")).isZero();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.RECIPIENT.eq("victim@rocket-users.test"))).isZero();
            assertThat(stack.botDrops().total(Reason.HONEYPOT)).isEqualTo(before + 1);
        }

        @Test
        void a_filled_honeypot_on_an_html_form_gets_the_same_redirect_as_a_real_signup() {
            Http.Response real = stack.http().postForm(SIGNUPS, form(Map.of("email", "form-person@rocket-users.test",
                    "website", "", "form_token", filledTwoMinutesAgo())));
            Http.Response bot = stack.http().postForm(SIGNUPS, form(Map.of("email", "form-victim@rocket-users.test",
                    "website", "spam", "form_token", filledTwoMinutesAgo())));

            assertThat(bot.status()).isEqualTo(real.status()).isEqualTo(303);
            assertThat(bot.header("Location")).isEqualTo(real.header("Location"));
            assertThat(signupsFor("form-person@rocket-users.test")).isOne();
            assertThat(signupsFor("form-victim@rocket-users.test")).isZero();
        }

        @Test
        void a_filled_honeypot_on_the_contact_form_stores_no_lead_and_sends_no_mail() {
            long before = stack.botDrops().total(Reason.HONEYPOT);
            Http.Response bot = stack.http().postJson(CONTACT, "{\"email\": \"lead-bot@rocket-users.test\","
                    + " \"message\": \"Buy now\", \"website\": 1}");

            assertThat(bot.status()).isEqualTo(202);
            assertThat(bot.json().get("status").asText()).isEqualTo("accepted");
            assertThat(stack.db().fetchCount(LEAD, LEAD.EMAIL.eq("lead-bot@rocket-users.test"))).isZero();
            assertThat(stack.botDrops().total(Reason.HONEYPOT)).isEqualTo(before + 1);
        }
    }

    @Nested
    class FormFillTime {
        @Test
        void the_form_token_endpoint_tells_a_page_what_to_put_in_its_form() {
            Http.Response answer = stack.http().get("/api/v1/form-token");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
            JsonNode body = answer.json();
            assertThat(body.get("form_token").asText()).isNotBlank();
            assertThat(body.get("form_token_field").asText()).isEqualTo("form_token");
            assertThat(body.get("honeypot_field").asText()).isEqualTo("website");
            assertThat(body.get("min_fill_seconds").asInt()).isEqualTo(60);
        }

        @Test
        void a_submit_sooner_than_the_minimum_fill_time_is_dropped_silently() {
            long before = stack.botDrops().total(Reason.TOO_FAST);
            String token = stack.http().get("/api/v1/form-token").json().get("form_token").asText();

            Http.Response answer = stack.http().postJson(SIGNUPS,
                    "{\"email\": \"speedy@rocket-users.test\", \"form_token\": \"" + token + "\"}");

            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
            assertThat(signupsFor("speedy@rocket-users.test")).isZero();
            assertThat(stack.botDrops().total(Reason.TOO_FAST)).isEqualTo(before + 1);
        }

        @Test
        void a_submit_at_human_speed_with_a_valid_token_is_stored_and_mailed() {
            Http.Response answer = stack.http().postJson(SIGNUPS,
                    "{\"email\": \"human@rocket-users.test\", \"form_token\": \"" + filledTwoMinutesAgo() + "\"}");

            assertThat(answer.status()).isEqualTo(202);
            assertThat(signupsFor("human@rocket-users.test")).isOne();
            stack.awaitMailTo("human@rocket-users.test", "Confirm");
        }

        @Test
        void a_contact_form_at_human_speed_is_stored() {
            Http.Response answer = stack.http().postJson(CONTACT, "{\"email\": \"buyer@rocket-users.test\","
                    + " \"message\": \"Pricing?\", \"form_token\": \"" + filledTwoMinutesAgo() + "\"}");

            assertThat(answer.status()).isEqualTo(202);
            assertThat(stack.db().fetchCount(LEAD, LEAD.EMAIL.eq("buyer@rocket-users.test"))).isOne();
        }

        @Test
        void a_token_signed_with_another_key_is_dropped_silently() {
            long before = stack.botDrops().total(Reason.INVALID_TOKEN);
            TokenSigner otherKey = new TokenSigner(Secret.of("not-the-service-key-0123456789abcdef0123"),
                    Optional.empty(), Clock.systemUTC());
            String forged = new FormTokens(otherKey, Duration.ZERO, Duration.ofHours(1), Clock.systemUTC())
                    .issue(Instant.now().minus(Duration.ofMinutes(5)));

            Http.Response answer = stack.http().postJson(SIGNUPS,
                    "{\"email\": \"forger@rocket-users.test\", \"form_token\": \"" + forged + "\"}");

            assertThat(answer.status()).isEqualTo(202);
            assertThat(signupsFor("forger@rocket-users.test")).isZero();
            assertThat(stack.botDrops().total(Reason.INVALID_TOKEN)).isEqualTo(before + 1);
        }

        @Test
        void a_token_of_another_purpose_or_garbage_is_dropped_silently() {
            TokenSigner serviceKey = new TokenSigner(Secret.of(TestStack.SIGNING_KEY), Optional.empty(), Clock.systemUTC());
            String confirmToken = serviceKey.issue(TokenSigner.Purpose.CONFIRM, 1, Optional.empty());

            for (String token : new String[] {confirmToken, "garbage", filledTwoMinutesAgo() + "x"}) {
                Http.Response answer = stack.http().postJson(SIGNUPS,
                        "{\"email\": \"tamper@rocket-users.test\", \"form_token\": \"" + token + "\"}");
                assertThat(answer.status()).isEqualTo(202);
            }
            assertThat(signupsFor("tamper@rocket-users.test")).isZero();
        }

        @Test
        void an_expired_token_is_dropped_silently() {
            long before = stack.botDrops().total(Reason.EXPIRED_TOKEN);
            String stale = formTokenIssuedAt(Instant.now().minus(Duration.ofHours(5))); // max age is 4 hours

            Http.Response answer = stack.http().postJson(SIGNUPS,
                    "{\"email\": \"stale@rocket-users.test\", \"form_token\": \"" + stale + "\"}");

            assertThat(answer.status()).isEqualTo(202);
            assertThat(signupsFor("stale@rocket-users.test")).isZero();
            assertThat(stack.botDrops().total(Reason.EXPIRED_TOKEN)).isEqualTo(before + 1);
        }

        @Test
        void a_submit_without_a_token_is_accepted_unless_tokens_are_required() {
            assertThat(stack.http().postJson(SIGNUPS, "{\"email\": \"no-token@rocket-users.test\"}").status())
                    .isEqualTo(202);
            assertThat(signupsFor("no-token@rocket-users.test")).isOne();
        }
    }

    @Nested
    class DisposableDomains {
        @Test
        void an_address_at_a_listed_disposable_domain_is_refused_with_a_reason_for_the_email_field() {
            long before = stack.botDrops().total(Reason.DISPOSABLE_DOMAIN);
            Http.Response answer = stack.http().postJson(SIGNUPS, "{\"email\": \"someone@mailinator.com\"}");

            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("validation_failed");
            assertThat(answer.json().at("/error/fields/email").asText()).contains("disposable");
            assertThat(signupsFor("someone@mailinator.com")).isZero();
            assertThat(stack.botDrops().total(Reason.DISPOSABLE_DOMAIN)).isEqualTo(before + 1);
        }

        @Test
        void a_subdomain_of_a_disposable_domain_is_refused_too() {
            Http.Response answer = stack.http().postJson(SIGNUPS, "{\"email\": \"someone@Inbox.Mailinator.COM\"}");

            assertThat(answer.status()).isEqualTo(422);
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL_KEY.eq("someone@inbox.mailinator.com"))).isZero();
        }

        @Test
        void a_domain_added_by_configuration_is_refused_on_the_contact_form_as_well() {
            Http.Response answer = stack.http().postJson(CONTACT,
                    "{\"email\": \"x@throwaway-inbox.test\", \"message\": \"hi\"}");

            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.json().at("/error/fields/email").asText()).contains("disposable");
            assertThat(stack.db().fetchCount(LEAD)).isEqualTo(
                    stack.db().fetchCount(LEAD, LEAD.EMAIL.notLike("%throwaway-inbox.test")));
        }

        @Test
        void a_domain_that_merely_ends_like_a_listed_one_is_accepted() {
            // "rocketmailinator.com" is not listed, and not a subdomain of mailinator.com
            assertThat(stack.http().postJson(SIGNUPS, "{\"email\": \"real@rocketmailinator.com\"}").status())
                    .isEqualTo(202);
        }
    }

    @Nested
    class RequiredTokenAndDemoPage {
        @Test
        void with_tokens_required_a_submit_without_one_is_dropped_silently() {
            try (TestStack strict = TestStack.start(Map.of("BOT_FORM_TOKEN_REQUIRED", "true"))) {
                Http.Response answer = strict.http().postJson(SIGNUPS, "{\"email\": \"tokenless@rocket-users.test\"}");

                assertThat(answer.status()).isEqualTo(202);
                assertThat(strict.db().fetchCount(SIGNUP)).isZero();
                assertThat(strict.botDrops().total(Reason.MISSING_TOKEN)).isEqualTo(1);
            }
        }

        @Test
        void the_demo_page_carries_a_hidden_honeypot_and_a_working_form_token() {
            // no SMTP configured: the service runs its dev inbox and serves the demo page at /
            try (TestStack demo = TestStack.start(Map.of("SMTP_HOST", "", "BOT_MIN_FILL_SECONDS", "0"))) {
                String page = demo.http().getHtml("/").body();
                assertThat(page).contains("name=\"website\"", "autocomplete=\"off\"", "tabindex=\"-1\"",
                        "aria-hidden=\"true\"");
                Matcher token = Pattern.compile("name=\"form_token\" value=\"([^\"]+)\"").matcher(page);
                assertThat(token.find()).isTrue();

                Http.Response answer = demo.http().postForm(SIGNUPS, form(Map.of("email", "demo@rocket-users.test",
                        "website", "", "form_token", token.group(1))));

                assertThat(answer.status()).isEqualTo(303);
                assertThat(demo.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("demo@rocket-users.test"))).isOne();
                assertThat(demo.botDrops().snapshot().values()).allMatch(count -> count == 0);
            }
        }
    }
}
