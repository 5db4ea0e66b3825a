package dev.launchline.http;

import dev.launchline.funnel.Waitlist;
import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.suppression.LocalMailgun;
import dev.launchline.suppression.LocalSns;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/openapi.yaml against the real service: every documented operation is called over real HTTP
 * (its main success path, and the common ways to get it wrong), and each request and response is
 * validated against the description; every route the service registers must be described, and
 * every described operation must exist and have been seen to succeed here.
 */
class OpenApiContractTest {
    private static final String OUR_SITE = "https://rocket.test";
    private static TestStack stack;
    private static ContractClient contract;
    private static String readToken;
    private static String writeToken;
    private static LocalSns sns;

    @BeforeAll
    static void start() {
        sns = new LocalSns(); // the SES endpoint trusts it (SES_SNS_* below)
        stack = TestStack.start(Map.ofEntries(
                Map.entry("SES_SNS_TOPIC_ARNS", sns.env().get("SES_SNS_TOPIC_ARNS")),
                Map.entry("SES_SNS_HOST_PATTERN", sns.env().get("SES_SNS_HOST_PATTERN")),
                Map.entry("MAILGUN_WEBHOOK_SIGNING_KEY", LocalMailgun.SIGNING_KEY),
                Map.entry("SMTP_HOST", ""), // the service's own embedded mail server: its /_dev/mail routes are registered
                Map.entry("TRUSTED_PROXIES", "127.0.0.1/32"), // each request names its client IP in CF-Connecting-IP
                Map.entry("RATE_LIMIT_SIGNUPS_PER_IP", "2/1m"),
                Map.entry("RATE_LIMIT_FORMS_PER_IP", "2/1m"),
                Map.entry("RATE_LIMIT_EMAIL_LINKS_PER_IP", "2/1m"),
                Map.entry("RATE_LIMIT_STATUS_PER_IP", "2/1m"),
                Map.entry("ADMIN_AUTH_FAILURE_LIMIT", "2"),
                Map.entry("BOT_MIN_FILL_SECONDS", "0"),
                // a webhook endpoint nobody listens at: its deliveries are dead letters at once, to list and replay
                Map.entry("WEBHOOKS", "{\"endpoints\": [{\"id\": \"crm\", \"url\": \"http://127.0.0.1:9/hooks\", "
                        + "\"events\": [\"lead.created\"], \"secret_env\": \"WEBHOOK_CRM_SECRET\"}]}"),
                Map.entry("WEBHOOK_CRM_SECRET", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
                Map.entry("WEBHOOK_MAX_ATTEMPTS", "1"),
                Map.entry("WEBHOOK_POLL_INTERVAL_MS", "50")));
        contract = new ContractClient(stack.http());
        readToken = adminToken("contract-read", "read");
        writeToken = adminToken("contract-write", "write");
    }

    @AfterAll
    static void every_documented_operation_was_seen_to_succeed_and_stop() {
        try {
            Set<String> missing = new TreeSet<>(contract.documentedOperations());
            missing.removeAll(contract.succeededOperations());
            assertThat(missing).as("documented operations no test here has called successfully").isEmpty();
        } finally {
            stack.close();
            sns.close();
        }
    }

    @Test
    void every_route_the_service_registers_is_described_and_every_described_one_exists() {
        Set<String> registered = new TreeSet<>(stack.service().routes());
        Set<String> documented = contract.documentedOperations();
        assertThat(registered).as("routes missing from docs/openapi.yaml").isSubsetOf(documented);
        assertThat(documented).as("operations in docs/openapi.yaml the service does not have").isSubsetOf(registered);
    }

    @Test
    void the_service_serves_the_very_description_in_the_repository() {
        Http.Response served = contract.call("GET", "/openapi.yaml").header("Accept", "application/yaml").send();
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.header("Content-Type")).startsWith("application/yaml");
        assertThat(served.body()).isEqualTo(ContractClient.text(ContractClient.DESCRIPTION));
    }

    @Test
    void probes_and_metrics_match_the_description() {
        assertThat(contract.call("GET", "/healthz").send().status()).isEqualTo(200);
        assertThat(contract.call("GET", "/readyz").send().status()).isEqualTo(200);
        assertThat(contract.call("GET", "/version").send().status()).isEqualTo(200);
        assertThat(contract.call("GET", "/metrics").header("Accept", "text/plain").send().status()).isEqualTo(200);
    }

    @Nested
    class Waitlist {
        @Test
        void the_funnel_from_signup_to_erasure_matches_the_description() {
            String email = unique("funnel");
            JsonNode formToken = contract.call("GET", "/api/v1/form-token").send().json();
            Http.Response accepted = contract.call("POST", "/api/v1/waitlists/launch/signups").json("""
                    {"email": "%s", "name": "Ada", "role": "CTO", "consent": true,
                     "custom_fields": {"team_size": "5"}, "utm_source": "newsletter",
                     "landing_page": "https://rocket.test/", "%s": "%s", "%s": ""}"""
                    .formatted(email, formToken.get("form_token_field").asText(), formToken.get("form_token").asText(),
                            formToken.get("honeypot_field").asText())).send();
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.header("RateLimit-Policy")).isEqualTo("2;w=60");

            String confirmToken = token(link(awaitMail(email, "Confirm"), "/confirm"));
            String confirmation = "{\"token\": \"" + confirmToken + "\"}";
            assertThat(contract.call("POST", "/api/v1/confirmations").json(confirmation).send().json().get("status").asText())
                    .isEqualTo("confirmed");
            assertThat(contract.call("POST", "/api/v1/confirmations").json(confirmation).send().json().get("status").asText())
                    .isEqualTo("already_confirmed");

            JsonNode welcome = awaitMail(email, "You're #");
            String statusToken = token(link(welcome, "/status"));
            JsonNode status = contract.call("GET", "/api/v1/status?token=" + statusToken).send().json();
            assertThat(status.get("confirmed").asBoolean()).isTrue();
            assertThat(status.get("leaderboard_rank").isNull()).isTrue(); // nobody joined through this link
            assertThat(contract.call("GET", "/status?token=" + statusToken).html().send().status()).isEqualTo(200);

            String unsubscribeToken = token(link(welcome, "/unsubscribe"));
            assertThat(contract.call("GET", "/unsubscribe?token=" + unsubscribeToken).html().send().status()).isEqualTo(200);
            // what a mailbox provider's one-click unsubscribe posts (RFC 8058)
            assertThat(contract.call("POST", "/api/v1/unsubscribe?token=" + unsubscribeToken)
                    .body("application/x-www-form-urlencoded", "List-Unsubscribe=One-Click").send().json()
                    .get("status").asText()).isEqualTo("unsubscribed");
            assertThat(contract.call("POST", "/api/v1/erasure").json("{\"token\": \"" + unsubscribeToken + "\"}").send()
                    .json().get("status").asText()).isEqualTo("erased");

            assertThat(contract.call("GET", "/api/v1/status?token=" + statusToken).send().status()).isEqualTo(410);
            assertThat(contract.call("POST", "/api/v1/erasure").json("{\"token\": \"" + unsubscribeToken + "\"}").send()
                    .status()).isEqualTo(410);
        }

        @Test
        void the_pages_behind_email_links_and_their_buttons_match_the_description() {
            String email = unique("pages");
            // (the validator reads a form value that looks like a number as a number, where the description
            // rightly says every form value is text: so no digits-only custom field here)
            Http.Response redirected = contract.call("POST", "/api/v1/waitlists/launch/signups")
                    .form("email=" + encode(email) + "&name=Zo%C3%AB&consent=on&team_size=small").send();
            assertThat(redirected.status()).isEqualTo(303);
            assertThat(redirected.header("Location")).endsWith("/thanks?waitlist=launch");
            assertThat(contract.call("GET", "/thanks?waitlist=launch").html().send().status()).isEqualTo(200);

            String confirmLink = link(awaitMail(email, "Confirm"), "/confirm");
            assertThat(contract.call("GET", confirmLink).html().send().body()).contains("<form method=\"post\" action=\"/confirm\">");
            assertThat(contract.call("POST", "/confirm").form("token=" + token(confirmLink)).send().status()).isEqualTo(200);

            String unsubscribeToken = token(link(awaitMail(email, "You're #"), "/unsubscribe"));
            assertThat(contract.call("POST", "/unsubscribe?token=" + unsubscribeToken)
                    .body("application/x-www-form-urlencoded", "List-Unsubscribe=One-Click").html().send().status())
                    .isEqualTo(200);
            // the unsubscribe page's erase button: a form without fields, the token in its action URL
            assertThat(contract.call("POST", "/erase?token=" + unsubscribeToken).form("").send().status()).isEqualTo(200);
            assertThat(contract.call("POST", "/erase").form("token=" + unsubscribeToken).send().status()).isEqualTo(410);
        }

        @Test
        void a_waitlist_with_its_own_redirect_sends_the_form_there() {
            Http.Response redirected = contract.call("POST", "/api/v1/waitlists/instant/signups")
                    .form("email=" + encode(unique("instant"))).send();
            assertThat(redirected.status()).isEqualTo(303);
            assertThat(redirected.header("Location")).isEqualTo("https://instant.test/thanks");
        }

        @Test
        void bad_signups_get_the_documented_errors() {
            String path = "/api/v1/waitlists/launch/signups";
            assertThat(contract.call("POST", path).json("{\"email\": ").sendInvalid().json()
                    .at("/error/code").asText()).isEqualTo("malformed_json");
            assertThat(contract.call("POST", "/api/v1/waitlists/no-such-list/signups")
                    .json("{\"email\": \"" + unique("lost") + "\"}").send().status()).isEqualTo(404);
            assertThat(contract.call("POST", path).body("text/plain", "email=x").sendInvalid().status()).isEqualTo(415);
            assertThat(contract.call("POST", path).json("{\"email\": \"not an address\", \"nickname\": \"x\"}").sendInvalid()
                    .json().at("/error/fields/nickname").asText()).isEqualTo("is not a field of this endpoint");
            assertThat(contract.call("POST", path).form("email=not+an+address").sendInvalid().status()).isEqualTo(422);
            assertThat(contract.call("POST", path).json("{\"email\": \"" + unique("big") + "\", \"name\": \""
                    + "a".repeat(20_000) + "\"}").sendInvalid().status()).isEqualTo(413);
            assertThat(contract.call("POST", path).header("Origin", "https://evil.test")
                    .json("{\"email\": \"" + unique("foreign") + "\"}").send().json().at("/error/code").asText())
                    .isEqualTo("forbidden_origin");
        }

        @Test
        void a_flood_from_one_client_gets_429_with_its_rate_limit_headers() {
            String flooder = ContractClient.freshIp();
            for (int i = 0; i < 2; i++) {
                assertThat(contract.call("POST", "/api/v1/waitlists/launch/signups").from(flooder)
                        .json("{\"email\": \"" + unique("flood") + "\"}").send().status()).isEqualTo(202);
            }
            Http.Response refused = contract.call("POST", "/api/v1/waitlists/launch/signups").from(flooder)
                    .json("{\"email\": \"" + unique("flood") + "\"}").send();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        }

        @Test
        void bad_tokens_get_the_documented_errors() {
            assertThat(contract.call("GET", "/api/v1/status").sendInvalid().json().at("/error/code").asText())
                    .isEqualTo("invalid_token");
            assertThat(contract.call("GET", "/api/v1/status?token=garbage").send().status()).isEqualTo(400);
            assertThat(contract.call("POST", "/api/v1/confirmations").json("{\"token\": \"garbage\"}").send().status())
                    .isEqualTo(400);
            assertThat(contract.call("POST", "/api/v1/confirmations").json("{}").sendInvalid().status()).isEqualTo(422);
            assertThat(contract.call("GET", "/confirm").html().sendInvalid().status()).isEqualTo(400);
        }

        @Test
        void the_leaderboard_matches_the_description_and_is_a_404_where_there_is_none() {
            Http.Response board = contract.call("GET", "/api/v1/waitlists/launch/leaderboard").send();
            assertThat(board.status()).isEqualTo(200);
            assertThat(board.json().get("entries").isArray()).isTrue();
            assertThat(contract.call("GET", "/api/v1/waitlists/instant/leaderboard").send().status()).isEqualTo(404);
            assertThat(contract.call("GET", "/api/v1/waitlists/no-such-list/leaderboard").send().status()).isEqualTo(404);
        }

        @Test
        void the_leaderboard_shares_the_status_lookups_limit_per_client() {
            String client = "198.51.100.77";
            assertThat(contract.call("GET", "/api/v1/status?token=garbage").from(client).send().status()).isEqualTo(400);
            assertThat(contract.call("GET", "/api/v1/waitlists/launch/leaderboard").from(client).send().status())
                    .isEqualTo(200);
            Http.Response refused = contract.call("GET", "/api/v1/waitlists/launch/leaderboard").from(client).send();
            assertThat(refused.status()).isEqualTo(429); // RATE_LIMIT_STATUS_PER_IP is 2/1m here
            assertThat(refused.header("Retry-After")).isNotBlank();
        }

        @Test
        void a_leaderboard_name_that_reads_as_an_address_gets_the_documented_error() {
            assertThat(contract.call("POST", "/api/v1/waitlists/launch/signups")
                    .json("{\"email\": \"" + unique("named") + "\", \"leaderboard_name\": \"win at spam.example\"}")
                    .send().status()).isEqualTo(422);
        }

        @Test
        void cors_preflights_are_answered_for_our_site_and_refused_for_others() {
            for (String path : new String[] {"/api/v1/waitlists/launch/signups", "/api/v1/waitlists/launch/leaderboard",
                    "/api/v1/forms/contact/submissions",
                    "/api/v1/confirmations", "/api/v1/status", "/api/v1/unsubscribe", "/api/v1/erasure",
                    "/api/v1/form-token", "/confirm", "/unsubscribe", "/erase"}) {
                Http.Response preflight = contract.call("OPTIONS", path).header("Origin", OUR_SITE)
                        .header("Access-Control-Request-Method", "POST").send();
                assertThat(preflight.status()).as(path).isEqualTo(204);
            }
            assertThat(contract.call("OPTIONS", "/api/v1/waitlists/launch/signups").header("Origin", "https://evil.test")
                    .send().status()).isEqualTo(403);
        }
    }

    @Nested
    class ContactForms {
        @Test
        void a_lead_as_json_and_as_a_form_post_matches_the_description() {
            assertThat(contract.call("POST", "/api/v1/forms/contact/submissions").json("""
                    {"email": "%s", "name": "Grace", "company": "Navy", "message": "Can we talk?\\nSoon.",
                     "custom_fields": {"budget": "10k"}, "utm_campaign": "launch"}""".formatted(unique("lead")))
                    .send().status()).isEqualTo(202);
            Http.Response redirected = contract.call("POST", "/api/v1/forms/contact/submissions")
                    .form("email=" + encode(unique("lead-form")) + "&message=Hello&budget=5k").send();
            assertThat(redirected.status()).isEqualTo(303);
            assertThat(redirected.header("Location")).endsWith("/thanks?form=contact");
        }

        @Test
        void bad_leads_get_the_documented_errors() {
            assertThat(contract.call("POST", "/api/v1/forms/nope/submissions")
                    .json("{\"email\": \"" + unique("x") + "\", \"message\": \"hi\"}").send().status()).isEqualTo(404);
            assertThat(contract.call("POST", "/api/v1/forms/contact/submissions").json("{\"email\": \"" + unique("x") + "\"}")
                    .sendInvalid().json().at("/error/fields/message").asText()).isEqualTo("is required");
        }
    }

    @Nested
    class Providers {
        @Test
        void amazon_ses_notifications_through_sns_match_the_description() {
            String path = "/api/v1/providers/ses/notifications";
            assertThat(contract.call("POST", path).json(sns.subscriptionConfirmation("contract")).send().json()
                    .get("suppressed").asInt()).isZero();
            assertThat(contract.call("POST", path).json(sns.notification(LocalSns.sesBounce(unique("bounced"), "Permanent"), "2"))
                    .send().json().get("suppressed").asInt()).isEqualTo(1);
            // as SNS really posts it
            assertThat(contract.call("POST", path).body("text/plain; charset=UTF-8",
                    sns.notification(LocalSns.sesComplaint(unique("complained")), "1")).send().status()).isEqualTo(200);
            String forged = sns.notification(LocalSns.sesBounce(unique("forged"), "Permanent"), "2")
                    .replace("forged", "victim");
            assertThat(contract.call("POST", path).json(forged).send().json().at("/error/code").asText())
                    .isEqualTo("signature_invalid");
            assertThat(contract.call("POST", path).json("{\"Type\": \"Notification\"}").sendInvalid().status()).isEqualTo(403);
            assertThat(contract.call("POST", path).json("[]").sendInvalid().json().at("/error/code").asText())
                    .isEqualTo("malformed_json");
        }

        @Test
        void mailgun_webhooks_match_the_description() {
            String path = "/api/v1/providers/mailgun/events";
            assertThat(contract.call("POST", path).json(LocalMailgun.permanentFailure(unique("gone"), LocalMailgun.SIGNING_KEY))
                    .send().json().get("suppressed").asInt()).isEqualTo(1);
            assertThat(contract.call("POST", path).json(LocalMailgun.complaint(unique("spam"), "wrong-key")).send()
                    .json().at("/error/code").asText()).isEqualTo("signature_invalid");
        }
    }

    @Nested
    class Admin {
        @Test
        void signups_can_be_listed_exported_resent_invited_and_erased() {
            String email = unique("admin");
            contract.call("POST", "/api/v1/waitlists/launch/signups").json("{\"email\": \"" + email + "\"}").send();
            JsonNode page = contract.call("GET", "/api/v1/admin/signups?limit=10&waitlist=launch&status=pending&email="
                    + encode(email) + "&created_from=2020-01-01T00:00:00Z").bearer(readToken).send().json();
            long id = page.at("/items/0/id").asLong();
            assertThat(page.at("/items/0/email").asText()).isEqualTo(email);

            assertThat(contract.call("GET", "/api/v1/admin/signups/" + id).bearer(readToken).send().status()).isEqualTo(200);
            Http.Response csv = contract.call("GET", "/api/v1/admin/signups/export?email_contains=admin")
                    .header("Accept", "text/csv").bearer(readToken).send();
            assertThat(csv.body()).startsWith("id,waitlist,status,email");
            assertThat(contract.call("POST", "/api/v1/admin/signups/" + id + "/resend-confirmation").bearer(writeToken)
                    .send().status()).isEqualTo(202);
            assertThat(contract.call("POST", "/api/v1/admin/signups/" + id + "/invite").bearer(writeToken).send()
                    .json().get("status").asText()).isEqualTo("invited");
            assertThat(contract.call("DELETE", "/api/v1/admin/signups/" + id).bearer(writeToken).send().status())
                    .isEqualTo(204);
            assertThat(contract.call("GET", "/api/v1/admin/signups/" + id).bearer(readToken).send().status()).isEqualTo(404);
            assertThat(contract.call("GET", "/api/v1/admin/audit?limit=5").bearer(readToken).send()
                    .json().at("/items/0/action").asText()).isEqualTo("signup.erase");
        }

        @Test
        void everything_stored_about_a_person_is_exported_as_one_document() {
            String email = unique("dsar");
            contract.call("POST", "/api/v1/waitlists/launch/signups").json("{\"email\": \"" + email + "\"}").send();
            contract.call("POST", "/api/v1/forms/contact/submissions")
                    .json("{\"email\": \"" + email + "\", \"message\": \"hi\"}").send();
            JsonNode export = contract.call("GET", "/api/v1/admin/people/export?email=" + encode(email)).bearer(readToken)
                    .send().json();
            assertThat(export.at("/signups/0/signup/email").asText()).isEqualTo(email);
            assertThat(export.at("/leads/0/email").asText()).isEqualTo(email);
            assertThat(contract.call("GET", "/api/v1/admin/people/export?email=nope").bearer(readToken).send().status())
                    .isEqualTo(422);
        }

        @Test
        void the_next_people_in_line_can_be_invited_once_per_idempotency_key() {
            String email = unique("invite-next");
            // the instant waitlist needs no confirmation: the signup is in line at once (launch's line is other tests')
            contract.call("POST", "/api/v1/waitlists/instant/signups").json("{\"email\": \"" + email + "\"}").send();
            String key = UUID.randomUUID().toString();
            Http.Response batch = contract.call("POST", "/api/v1/admin/waitlists/instant/invites").json("{\"count\": 1000}")
                    .header("Idempotency-Key", key).bearer(writeToken).send();
            assertThat(batch.status()).isEqualTo(201);
            assertThat(batch.json().get("invitees").findValuesAsText("email")).contains(email);
            Http.Response again = contract.call("POST", "/api/v1/admin/waitlists/instant/invites").form("count=1000")
                    .header("Idempotency-Key", key).bearer(writeToken).send();
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            String inviteLink = "";
            for (JsonNode link : awaitMail(email, "You're in").get("links")) {
                if (link.asText().contains("invite=")) {
                    inviteLink = link.asText();
                }
            }
            String inviteToken = inviteLink.substring(inviteLink.indexOf("invite=") + "invite=".length());
            assertThat(contract.call("GET", "/api/v1/admin/invite-token?token=" + inviteToken).bearer(readToken).send()
                    .json().get("email").asText()).isEqualTo(email);
            assertThat(contract.call("GET", "/api/v1/admin/invite-token?token=nonsense").bearer(readToken).send()
                    .status()).isEqualTo(400);
            assertThat(contract.call("POST", "/api/v1/admin/waitlists/instant/invites").json("{\"count\": 1}")
                    .header("Idempotency-Key", key).bearer(writeToken).send().json().at("/error/code").asText())
                    .isEqualTo("idempotency_key_reused");
            assertThat(contract.call("POST", "/api/v1/admin/waitlists/instant/invites").json("{\"count\": 0}")
                    .header("Idempotency-Key", UUID.randomUUID().toString()).bearer(writeToken).sendInvalid().status())
                    .isEqualTo(422);
            assertThat(contract.call("POST", "/api/v1/admin/waitlists/instant/invites").json("{\"count\": 1}")
                    .bearer(writeToken).sendInvalid().json().at("/error/code").asText()).isEqualTo("idempotency_key_missing");
        }

        @Test
        void resending_to_a_confirmed_signup_is_a_conflict() {
            String email = unique("confirmed");
            contract.call("POST", "/api/v1/waitlists/launch/signups").json("{\"email\": \"" + email + "\"}").send();
            contract.call("POST", "/confirm").form("token=" + token(link(awaitMail(email, "Confirm"), "/confirm"))).send();
            long id = contract.call("GET", "/api/v1/admin/signups?email=" + encode(email)).bearer(readToken).send()
                    .json().at("/items/0/id").asLong();
            assertThat(contract.call("POST", "/api/v1/admin/signups/" + id + "/resend-confirmation").bearer(writeToken)
                    .send().json().at("/error/code").asText()).isEqualTo("already_confirmed");
        }

        @Test
        void leads_can_be_listed_exported_looked_up_and_erased() {
            String email = unique("admin-lead");
            contract.call("POST", "/api/v1/forms/contact/submissions")
                    .json("{\"email\": \"" + email + "\", \"message\": \"hi\"}").send();
            long id = contract.call("GET", "/api/v1/admin/leads?form=contact&email_contains=admin-lead").bearer(readToken)
                    .send().json().at("/items/0/id").asLong();
            assertThat(contract.call("GET", "/api/v1/admin/leads/" + id).bearer(readToken).send().json()
                    .get("email").asText()).isEqualTo(email);
            assertThat(contract.call("GET", "/api/v1/admin/leads/export?form=contact").header("Accept", "text/csv")
                    .bearer(readToken).send().status()).isEqualTo(200);
            assertThat(contract.call("DELETE", "/api/v1/admin/leads/" + id).bearer(writeToken).send().status())
                    .isEqualTo(204);
        }

        @Test
        void webhook_deliveries_can_be_listed_looked_up_and_replayed() {
            contract.call("POST", "/api/v1/forms/contact/submissions")
                    .json("{\"email\": \"" + unique("hooked") + "\", \"message\": \"hi\"}").send();
            JsonNode endpoints = contract.call("GET", "/api/v1/admin/webhooks").bearer(readToken).send().json();
            assertThat(endpoints.at("/endpoints/0/id").asText()).isEqualTo("crm");
            long id = Eventually.get(() -> Optional.of(contract.call("GET",
                            "/api/v1/admin/webhooks/deliveries?status=dead&endpoint=crm&limit=5").bearer(readToken).send().json())
                    .filter(page -> page.at("/items/0/id").isNumber()), Duration.ofSeconds(10)).at("/items/0/id").asLong();
            assertThat(contract.call("GET", "/api/v1/admin/webhooks/deliveries/" + id).bearer(readToken).send()
                    .json().at("/payload/type").asText()).isEqualTo("lead.created");
            assertThat(contract.call("POST", "/api/v1/admin/webhooks/deliveries/" + id + "/replay").bearer(writeToken)
                    .send().status()).isEqualTo(202);
            assertThat(contract.call("POST", "/api/v1/admin/webhooks/crm/replay-dead").bearer(writeToken).send()
                    .status()).isEqualTo(202);
            assertThat(contract.call("POST", "/api/v1/admin/webhooks/nobody/replay-dead").bearer(writeToken).send()
                    .status()).isEqualTo(404);
        }

        @Test
        void the_suppression_list_can_be_added_to_searched_looked_up_and_lifted() {
            String email = unique("suppressed");
            JsonNode added = contract.call("POST", "/api/v1/admin/suppressions")
                    .json("{\"email\": \"" + email + "\", \"note\": \"asked by reply\"}").bearer(writeToken).send().json();
            long id = added.get("id").asLong();
            assertThat(added.get("reason").asText()).isEqualTo("manual");
            assertThat(contract.call("GET", "/api/v1/admin/suppressions?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                    + "&reason=manual&limit=5").bearer(readToken).send().json().at("/items/0/id").asLong()).isEqualTo(id);
            assertThat(contract.call("GET", "/api/v1/admin/suppressions/" + id).bearer(readToken).send()
                    .json().get("source").asText()).isEqualTo("admin");
            assertThat(contract.call("POST", "/api/v1/admin/suppressions").json("{\"email\": \"nope\"}").bearer(writeToken)
                    .send().status()).isEqualTo(422);
            assertThat(contract.call("GET", "/api/v1/admin/suppressions?reason=bored").bearer(readToken).sendInvalid()
                    .status()).isEqualTo(422);
            assertThat(contract.call("DELETE", "/api/v1/admin/suppressions/" + id).bearer(writeToken).send().status())
                    .isEqualTo(204);
            assertThat(contract.call("GET", "/api/v1/admin/suppressions/" + id).bearer(readToken).send().status())
                    .isEqualTo(404);
        }

        @Test
        void the_smoke_check_routes_create_report_and_delete_a_test_signup() {
            String email = unique("smoke");
            String body = "{\"waitlist\": \"launch\", \"email\": \"" + email + "\"}";
            JsonNode created = contract.call("POST", "/api/v1/admin/smoke-signups").json(body).bearer(writeToken).send().json();
            assertThat(contract.call("POST", "/api/v1/admin/smoke-signups").json(body).bearer(writeToken).send().status())
                    .isEqualTo(409);
            long id = created.get("id").asLong();
            Eventually.get(() -> Optional.of(contract.call("GET", "/api/v1/admin/smoke-signups/" + id).bearer(readToken)
                    .send().json()).filter(smoke -> smoke.at("/confirmation/status").asText().equals("sent")),
                    Duration.ofSeconds(15));
            assertThat(contract.call("DELETE", "/api/v1/admin/smoke-signups/" + id).bearer(writeToken).send().status())
                    .isEqualTo(204);
            assertThat(contract.call("POST", "/api/v1/admin/smoke-signups")
                    .json("{\"waitlist\": \"nope\", \"email\": \"" + unique("smoke") + "\"}").bearer(writeToken).send()
                    .status()).isEqualTo(404);
        }

        @Test
        void health_and_stats_match_the_description() {
            assertThat(contract.call("GET", "/api/v1/admin/health").bearer(readToken).send().status()).isEqualTo(200);
            assertThat(contract.call("GET", "/api/v1/admin/stats?days=7").bearer(readToken).send().status()).isEqualTo(200);
            assertThat(contract.call("GET", "/api/v1/admin/stats?days=0").bearer(readToken).sendInvalid().status())
                    .isEqualTo(422);
            assertThat(contract.call("GET", "/api/v1/admin/signups?limit=0").bearer(readToken).sendInvalid()
                    .json().at("/error/fields/limit").asText()).startsWith("a whole number");
        }

        @Test
        void missing_wrong_and_read_only_tokens_get_401_403_and_429() {
            Http.Response missing = contract.call("GET", "/api/v1/admin/signups").sendInvalid();
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(contract.call("DELETE", "/api/v1/admin/signups/1").bearer(readToken).send().json()
                    .at("/error/code").asText()).isEqualTo("forbidden");

            String guesser = ContractClient.freshIp(); // the stack allows 2 failed attempts per client
            for (int i = 0; i < 2; i++) {
                assertThat(contract.call("GET", "/api/v1/admin/leads").bearer("wrong-" + i).from(guesser).send().status())
                        .isEqualTo(401);
            }
            assertThat(contract.call("GET", "/api/v1/admin/leads").bearer("wrong-2").from(guesser).send().status())
                    .isEqualTo(429);
            Http.Response refused = contract.call("GET", "/api/v1/admin/leads").bearer(readToken).from(guesser).send();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
        }

        @Test
        void the_dashboard_page_and_its_assets_match_the_description() {
            String page = contract.call("GET", "/admin").html().send().body();
            Matcher asset = Pattern.compile("/admin/assets/[0-9a-f]+/dashboard\\.css").matcher(page);
            assertThat(asset.find()).as(page).isTrue();
            assertThat(contract.call("GET", asset.group()).header("Accept", "text/css").send().status()).isEqualTo(200);
            assertThat(contract.call("GET", "/admin/assets/0000000000000000/dashboard.css").send().status()).isEqualTo(404);
        }
    }

    @Test
    void the_dev_routes_match_the_description() {
        assertThat(contract.call("GET", "/").html().send().status()).isEqualTo(200);
        String email = unique("dev");
        contract.call("POST", "/api/v1/waitlists/launch/signups").json("{\"email\": \"" + email + "\"}").send();
        awaitMail(email, "Confirm");
        assertThat(contract.call("GET", "/_dev/mail?to=" + encode(email)).send().json().get("count").asInt()).isOne();
        assertThat(contract.call("GET", "/_dev/mail").html().send().status()).isEqualTo(200);
    }

    // --- helpers ---

    private static String adminToken(String name, String scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.adminToken(new String[] {"admin-token", "create", "--name", name, "--scope", scope},
                new EnvironmentVariables(stack.env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }

    private static String unique(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@rocket-users.test";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Waits for the service's embedded mail server to have caught a message (read through /_dev/mail). */
    private static JsonNode awaitMail(String to, String subjectContains) {
        return Eventually.get(() -> {
            for (JsonNode message : stack.http().get("/_dev/mail?to=" + encode(to)).json().get("messages")) {
                if (message.get("subject").asText().contains(subjectContains)) {
                    return Optional.of(message);
                }
            }
            return Optional.empty();
        }, Duration.ofSeconds(15));
    }

    /** The mail's link to {@code path}, as path and query. */
    private static String link(JsonNode mail, String path) {
        for (JsonNode link : mail.get("links")) {
            URI uri = URI.create(link.asText());
            if (uri.getRawPath().equals(path) && uri.getRawQuery() != null) {
                return uri.getRawPath() + "?" + uri.getRawQuery();
            }
        }
        throw new AssertionError("no " + path + " link in " + mail);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + "token=".length());
    }
}
