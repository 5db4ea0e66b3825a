package dev.launchline.suppression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.db.schema.tables.records.EmailSuppressionRecord;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.EMAIL_SUPPRESSION;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Bounces and complaints end to end: a local SNS (its own key and certificate, served over HTTP)
 * and Mailgun's payloads, signed as the providers sign them, POSTed to the running service; the
 * real senders then skip the suppressed addresses, with the real SMTP capture as witness.
 */
class SuppressionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalSns sns = new LocalSns();
    private static final String SES = "/api/v1/providers/ses/notifications";
    private static final String MAILGUN = "/api/v1/providers/mailgun/events";

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(() -> {
        Map<String, String> env = new HashMap<>(sns.env());
        env.put("MAILGUN_WEBHOOK_SIGNING_KEY", LocalMailgun.SIGNING_KEY);
        env.put("SUPPRESSION_BOUNCE_RETRY_DAYS", "30");
        return env;
    });

    private static String readToken;
    private static String writeToken;

    @BeforeAll
    static void issueTokens() {
        readToken = adminToken("suppression-read", "read");
        writeToken = adminToken("suppression-write", "write");
    }

    @AfterAll
    static void stopTheLocalSns() {
        sns.close();
    }

    @Nested
    class AmazonSes {
        @Test
        void a_signed_hard_bounce_stops_the_next_mail_to_that_address_and_keeps_no_address() {
            String ada = "Ada.Bounce@ses.test";
            signUp(ada);

            Http.Response answer = postSns(sns.notification(LocalSns.sesBounce(ada.toLowerCase(), "Permanent"), "2"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("suppressed").asInt()).isEqualTo(1);

            EmailSuppressionRecord row = suppressionOf(ada).orElseThrow();
            assertThat(row.getReason()).isEqualTo("hard_bounce");
            assertThat(row.getSource()).isEqualTo("ses");
            assertThat(row.getAddressHash()).isEqualTo(AddressHash.of("ada.bounce@ses.test")).hasSize(64);
            assertThat(row.getDetail()).startsWith("Permanent/General 5.1.1: smtp; 550 5.1.1 <[address]>")
                    .doesNotContainIgnoringCase("ada");

            // the operator resends her confirmation: held back, the bounce is recent
            long id = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq(ada));
            assertThat(admin("POST", "/api/v1/admin/signups/" + id + "/resend-confirmation", writeToken).status()).isEqualTo(202);
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(ada, "confirm_signup")).containsExactly(null, "suppressed: hard bounce");
            assertThat(stack.mailTo(ada)).hasSize(1);
            assertThat(metrics()).contains("launchline_emails_suppressed_total{", "kind=\"confirm_signup\"")
                    .contains("launchline_email_suppressions_recorded_total{");
        }

        @Test
        void confirming_by_the_emailed_link_proves_the_mailbox_and_clears_a_hard_bounce() {
            String amy = "amy.back@ses.test";
            String confirm = signUp(amy);
            postSns(sns.notification(LocalSns.sesBounce(amy, "Permanent"), "1"));
            assertThat(suppressionOf(amy)).isPresent();

            assertThat(stack.http().postForm("/confirm", "token=" + confirm).status()).isEqualTo(200);
            stack.awaitMailTo(amy, "You're #");
            assertThat(suppressionOf(amy)).isEmpty();
        }

        @Test
        void confirming_does_not_clear_a_complaint() {
            String pat = "pat.complained@ses.test";
            String confirm = signUp(pat);
            postSns(sns.notification(LocalSns.sesComplaint(pat), "2"));

            assertThat(stack.http().postForm("/confirm", "token=" + confirm).status()).isEqualTo(200);
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(pat, "signup_confirmed")).containsExactly("suppressed: complaint");
            assertThat(suppressionOf(pat).orElseThrow().getReason()).isEqualTo("complaint");
        }

        @Test
        void a_complaint_signed_with_signature_version_1_suppresses_too() {
            String bea = "bea.complaint@ses.test";
            Http.Response answer = postSns(sns.notification(LocalSns.sesComplaint(bea), "1"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(suppressionOf(bea).orElseThrow().getReason()).isEqualTo("complaint");
            assertThat(suppressionOf(bea).orElseThrow().getDetail()).isEqualTo("Complaint abuse");
        }

        @Test
        void a_notification_with_a_subject_and_one_from_event_publishing_are_read_too() {
            assertThat(postSns(sns.notification(LocalSns.sesBounce("sid@ses.test", "Permanent"), "2",
                    "Amazon SES Email Event Notification")).status()).isEqualTo(200);
            assertThat(suppressionOf("sid@ses.test")).isPresent();

            // a configuration set's event destination says "eventType" where identity notifications say "notificationType"
            String event = LocalSns.sesComplaint("tia@ses.test").replace("\"notificationType\"", "\"eventType\"");
            assertThat(postSns(sns.notification(event, "2")).json().get("suppressed").asInt()).isEqualTo(1);
            assertThat(suppressionOf("tia@ses.test").orElseThrow().getReason()).isEqualTo("complaint");
        }

        @Test
        void a_transient_bounce_is_acknowledged_and_suppresses_nothing() {
            String cy = "cy.mailbox-full@ses.test";
            Http.Response answer = postSns(sns.notification(LocalSns.sesBounce(cy, "Transient"), "2"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("suppressed").asInt()).isZero();
            assertThat(suppressionOf(cy)).isEmpty();
        }

        @Test
        void a_subscription_confirmation_is_confirmed_by_opening_its_subscribe_url() {
            Http.Response answer = postSns(sns.subscriptionConfirmation("token-for-the-founders-topic"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(sns.confirmations()).contains("Token=token-for-the-founders-topic");
        }

        @Test
        void the_signing_certificate_is_fetched_once_and_kept() {
            for (int i = 0; i < 3; i++) {
                assertThat(postSns(sns.notification(LocalSns.sesBounce("cache" + i + "@ses.test", "Transient"), "2"))
                        .status()).isEqualTo(200);
            }
            assertThat(sns.certificateFetches()).isEqualTo(1);
        }

        static Stream<org.junit.jupiter.params.provider.Arguments> forgeries() {
            return Stream.of(
                    arguments("no signature", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m -> {
                        m.remove("Signature");
                        return m;
                    }),
                    arguments("a recipient changed after signing", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m ->
                            m.put("Message", m.get("Message").asText().replace("forged@ses.test", "someone-else@ses.test"))),
                    arguments("a signature of another message", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m ->
                            m.put("Signature", read(sns.notification(LocalSns.sesComplaint("x@ses.test"), "2")).get("Signature").asText())),
                    arguments("a topic we did not subscribe to", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m ->
                            m.put("TopicArn", "arn:aws:sns:eu-west-1:999999999999:someone-elses-topic")),
                    arguments("a certificate from a host that is not SNS", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m ->
                            m.put("SigningCertURL", "http://localhost:9/SimpleNotificationService-local.pem")),
                    arguments("a certificate path SNS does not use", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m ->
                            m.put("SigningCertURL", sns.certificateUrl().replace("SimpleNotificationService-local.pem", "attacker/cert.pem"))),
                    arguments("an unknown signature version", 403, "signature_invalid", (UnaryOperator<ObjectNode>) m ->
                            m.put("SignatureVersion", "3")),
                    arguments("an unknown message type", 400, "malformed_notification", (UnaryOperator<ObjectNode>) m ->
                            m.put("Type", "Gossip")),
                    arguments("no message id", 400, "malformed_notification", (UnaryOperator<ObjectNode>) m -> {
                        m.remove("MessageId");
                        return m;
                    }));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("forgeries")
        void a_forged_or_tampered_notification_is_refused_and_stores_nothing(String what, int status, String code,
                                                                              UnaryOperator<ObjectNode> forge) throws Exception {
            ObjectNode genuine = read(sns.notification(LocalSns.sesBounce("forged@ses.test", "Permanent"), "2"));
            Http.Response answer = postSns(JSON.writeValueAsString(forge.apply(genuine)));
            assertThat(answer.status()).as(what).isEqualTo(status);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo(code);
            assertThat(suppressionOf("forged@ses.test")).isEmpty();
            assertThat(suppressionOf("someone-else@ses.test")).isEmpty();
        }

        @Test
        void a_notification_larger_than_a_signup_form_may_be_is_still_taken() {
            // SES includes the original headers: a bounce of a long mail passes the 16 KB funnel limit
            String padded = LocalSns.sesBounce("long.headers@ses.test", "Permanent")
                    .replace("{\"name\":\"From\"", "{\"name\":\"X-Long\",\"value\":\"" + "h".repeat(40_000) + "\"},{\"name\":\"From\"");
            Http.Response answer = postSns(sns.notification(padded, "2"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(suppressionOf("long.headers@ses.test")).isPresent();
        }

        @Test
        void a_body_that_is_not_json_is_a_clear_400() {
            Http.Response notJson = postSns("Type=Notification");
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.json().at("/error/code").asText()).isEqualTo("malformed_json");
        }

        @Test
        void a_body_too_large_is_a_clear_413() {
            Http.Response huge = postSns("{\"Message\": \"" + "x".repeat(300 * 1024) + "\"}");
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.json().at("/error/code").asText()).isEqualTo("payload_too_large");
        }

        @Test
        void a_genuine_notification_whose_message_is_not_ses_json_is_a_400() {
            Http.Response answer = postSns(sns.notification("not json at all", "2"));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().at("/error/code").asText()).isEqualTo("malformed_notification");
        }
    }

    @Nested
    class Mailgun {
        @Test
        void a_signed_permanent_failure_and_a_complaint_suppress_their_addresses() {
            assertThat(postMailgun(LocalMailgun.permanentFailure("dee.gone@mailgun.test", LocalMailgun.SIGNING_KEY))
                    .json().get("suppressed").asInt()).isEqualTo(1);
            assertThat(postMailgun(LocalMailgun.complaint("eve.spam@mailgun.test", LocalMailgun.SIGNING_KEY)).status())
                    .isEqualTo(200);

            EmailSuppressionRecord bounce = suppressionOf("dee.gone@mailgun.test").orElseThrow();
            assertThat(bounce.getReason()).isEqualTo("hard_bounce");
            assertThat(bounce.getSource()).isEqualTo("mailgun");
            assertThat(bounce.getDetail()).startsWith("Permanent/bounce 550: 5.1.1").endsWith("[address]");
            assertThat(suppressionOf("eve.spam@mailgun.test").orElseThrow().getReason()).isEqualTo("complaint");
        }

        @Test
        void a_temporary_failure_suppresses_nothing() {
            assertThat(postMailgun(LocalMailgun.temporaryFailure("fay.full@mailgun.test", LocalMailgun.SIGNING_KEY))
                    .json().get("suppressed").asInt()).isZero();
            assertThat(suppressionOf("fay.full@mailgun.test")).isEmpty();
        }

        @Test
        void a_webhook_signed_with_another_key_or_unsigned_is_refused_and_stores_nothing() {
            Http.Response forged = postMailgun(LocalMailgun.permanentFailure("gus@mailgun.test", "key-not-the-real-one"));
            assertThat(forged.status()).isEqualTo(403);
            assertThat(forged.json().at("/error/code").asText()).isEqualTo("signature_invalid");
            assertThat(forged.body()).doesNotContain(LocalMailgun.SIGNING_KEY);

            Http.Response unsigned = postMailgun("{\"event-data\": {\"event\": \"complained\", \"recipient\": \"gus@mailgun.test\"}}");
            assertThat(unsigned.status()).isEqualTo(403);
            assertThat(suppressionOf("gus@mailgun.test")).isEmpty();
        }
    }

    @Nested
    class TheConfirmationRule {
        @Test
        void a_new_signup_after_a_complaint_gets_no_confirmation() {
            String hal = "hal.complained@rule.test";
            postMailgun(LocalMailgun.complaint(hal, LocalMailgun.SIGNING_KEY));
            signUpQuietly(hal);
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(hal, "confirm_signup")).containsExactly("suppressed: complaint");
            assertThat(stack.mailTo(hal)).isEmpty();
        }

        @Test
        void a_new_signup_after_a_recent_hard_bounce_gets_no_confirmation() {
            String ida = "ida.recent@rule.test";
            postMailgun(LocalMailgun.permanentFailure(ida, LocalMailgun.SIGNING_KEY));
            signUpQuietly(ida);
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(ida, "confirm_signup")).containsExactly("suppressed: hard bounce");
            assertThat(stack.mailTo(ida)).isEmpty();
        }

        @Test
        void a_new_signup_after_an_old_hard_bounce_gets_its_confirmation_and_a_new_bounce_starts_the_wait_again() {
            String jo = "jo.old@rule.test";
            postMailgun(LocalMailgun.permanentFailure(jo, LocalMailgun.SIGNING_KEY));
            ageSuppression(jo, Duration.ofDays(31));

            signUp(jo); // waits for the confirmation to arrive
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(jo, "confirm_signup")).containsExactly((String) null);
            // but the rest of the address's mail stays suppressed until the bounce is lifted
            long id = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq(jo));
            postMailgun(LocalMailgun.permanentFailure(jo, LocalMailgun.SIGNING_KEY)); // it bounced again
            assertThat(admin("POST", "/api/v1/admin/signups/" + id + "/resend-confirmation", writeToken).status()).isEqualTo(202);
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(jo, "confirm_signup")).containsExactly(null, "suppressed: hard bounce");
            assertThat(stack.mailTo(jo)).hasSize(1);
        }

        @Test
        void an_old_complaint_never_lets_a_confirmation_through() {
            String kim = "kim.old-complaint@rule.test";
            postMailgun(LocalMailgun.complaint(kim, LocalMailgun.SIGNING_KEY));
            ageSuppression(kim, Duration.ofDays(400));
            signUpQuietly(kim);
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(kim, "confirm_signup")).containsExactly("suppressed: complaint");
        }

        @Test
        void a_later_bounce_does_not_weaken_a_complaint() {
            String lu = "lu.both@rule.test";
            postMailgun(LocalMailgun.complaint(lu, LocalMailgun.SIGNING_KEY));
            postSns(sns.notification(LocalSns.sesBounce(lu, "Permanent"), "2"));
            EmailSuppressionRecord row = suppressionOf(lu).orElseThrow();
            assertThat(row.getReason()).isEqualTo("complaint");
            assertThat(row.getSource()).isEqualTo("mailgun");
        }
    }

    @Nested
    class AdminApi {
        @Test
        void an_operator_finds_a_suppression_by_address_lifts_it_and_mail_flows_again() {
            String max = "Max.Lifted@admin.test";
            signUp(max);
            postSns(sns.notification(LocalSns.sesBounce("max.lifted@admin.test", "Permanent"), "2"));

            JsonNode page = admin("GET", "/api/v1/admin/suppressions?email=" + max, readToken).json();
            assertThat(page.get("items")).hasSize(1);
            JsonNode entry = page.get("items").get(0);
            assertThat(entry.get("reason").asText()).isEqualTo("hard_bounce");
            assertThat(entry.get("source").asText()).isEqualTo("ses");
            assertThat(entry.toString()).doesNotContainIgnoringCase("max.lifted");
            long id = entry.get("id").asLong();
            assertThat(admin("GET", "/api/v1/admin/suppressions/" + id, readToken).json().get("address_hash").asText())
                    .isEqualTo(AddressHash.of(max));
            assertThat(admin("GET", "/api/v1/admin/suppressions?reason=hard_bounce&limit=500", readToken).json().get("items"))
                    .anyMatch(item -> item.get("id").asLong() == id);

            assertThat(admin("DELETE", "/api/v1/admin/suppressions/" + id, readToken).status()).isEqualTo(403);
            assertThat(admin("DELETE", "/api/v1/admin/suppressions/" + id, writeToken).status()).isEqualTo(204);
            assertThat(admin("DELETE", "/api/v1/admin/suppressions/" + id, writeToken).status()).isEqualTo(404);
            assertThat(suppressionOf(max)).isEmpty();
            assertThat(stack.db().fetchValue(ADMIN_AUDIT.TARGET, ADMIN_AUDIT.ACTION.eq("suppression.lift")))
                    .isEqualTo("suppression:" + id + " (hard_bounce from ses)");

            long signup = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq(max));
            admin("POST", "/api/v1/admin/signups/" + signup + "/resend-confirmation", writeToken);
            Eventually.get(() -> stack.mailTo(max).size() == 2 ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(15));
        }

        @Test
        void an_operator_suppresses_an_address_by_hand_and_the_audit_names_no_address() {
            Http.Response added = adminJson("POST", "/api/v1/admin/suppressions",
                    "{\"email\": \"ned@admin.test\", \"note\": \"asked by reply from ned@admin.test\"}", writeToken);
            assertThat(added.status()).isEqualTo(201);
            assertThat(added.json().get("reason").asText()).isEqualTo("manual");
            assertThat(added.json().get("source").asText()).isEqualTo("admin");
            assertThat(added.json().get("detail").asText()).isEqualTo("asked by reply from [address]");
            assertThat(stack.db().fetchValue(ADMIN_AUDIT.TARGET, ADMIN_AUDIT.ACTION.eq("suppression.add")))
                    .isEqualTo("suppression:" + added.json().get("id").asLong() + " (manual)");

            signUpQuietly("ned@admin.test");
            stack.awaitOutboxDelivered();
            assertThat(outboxOf("ned@admin.test", "confirm_signup")).containsExactly("suppressed: manual");
        }

        @Test
        void bad_admin_input_is_a_clear_4xx() {
            assertThat(adminJson("POST", "/api/v1/admin/suppressions", "{\"email\": \"not-an-address\"}", writeToken)
                    .json().at("/error/fields/email").asText()).isEqualTo("must be a valid email address");
            assertThat(adminJson("POST", "/api/v1/admin/suppressions", "{\"email\": \"a@b.test\", \"why\": \"x\"}", writeToken)
                    .status()).isEqualTo(422);
            assertThat(adminJson("POST", "/api/v1/admin/suppressions", "{\"email\": \"a@b.test\"}", readToken).status())
                    .isEqualTo(403);
            Http.Response badQuery = admin("GET", "/api/v1/admin/suppressions?reason=bored&emial=x", readToken);
            assertThat(badQuery.status()).isEqualTo(422);
            assertThat(badQuery.json().at("/error/fields/reason").asText()).isEqualTo("one of hard_bounce, complaint, manual");
            assertThat(badQuery.json().at("/error/fields/emial").asText()).isEqualTo("unknown parameter");
            assertThat(admin("GET", "/api/v1/admin/suppressions/abc", readToken).status()).isEqualTo(404);
            assertThat(admin("GET", "/api/v1/admin/suppressions", null).status()).isEqualTo(401);
        }
    }

    @Nested
    class Erasure {
        @Test
        void an_erased_person_leaves_no_address_behind_yet_stays_suppressed() {
            String ola = "ola.erased@erasure.test";
            signUp(ola);
            postSns(sns.notification(LocalSns.sesComplaint(ola), "2"));
            long id = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq(ola));
            assertThat(admin("DELETE", "/api/v1/admin/signups/" + id, writeToken).status()).isEqualTo(204);

            // nothing in the suppression list spells the address, in any column
            assertThat(stack.db().selectFrom(EMAIL_SUPPRESSION).fetch().formatCSV()).doesNotContainIgnoringCase("ola.erased");
            assertThat(suppressionOf(ola)).isPresent();

            signUpQuietly(ola); // back again: still a complaint, so no confirmation
            stack.awaitOutboxDelivered();
            assertThat(outboxOf(ola, "confirm_signup")).containsExactly("suppressed: complaint");
        }
    }

    // --- helpers ---

    /** Signs up and waits for the confirmation; returns the confirmation token. */
    private static String signUp(String email) {
        signUpQuietly(email);
        CapturedMail confirm = stack.awaitMailTo(email, "Confirm your spot");
        return confirm.links().stream().filter(link -> link.contains("/confirm?")).findFirst().orElseThrow()
                .replaceAll(".*token=", "");
    }

    private static void signUpQuietly(String email) {
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + email + "\"}").status())
                .isEqualTo(202);
    }

    /** The fate of each email of this kind to this address, oldest first: null when sent, else why not. */
    private static List<String> outboxOf(String email, String kind) {
        return stack.db().select(OUTBOX_EMAIL.LAST_ERROR)
                .from(OUTBOX_EMAIL)
                .where(OUTBOX_EMAIL.RECIPIENT.equalIgnoreCase(email))
                .and(OUTBOX_EMAIL.KIND.eq(kind))
                .and(OUTBOX_EMAIL.STATUS.in("sent", "suppressed"))
                .orderBy(OUTBOX_EMAIL.ID)
                .fetch(OUTBOX_EMAIL.LAST_ERROR);
    }

    private static Optional<EmailSuppressionRecord> suppressionOf(String email) {
        return stack.db().selectFrom(EMAIL_SUPPRESSION)
                .where(EMAIL_SUPPRESSION.ADDRESS_HASH.eq(AddressHash.of(email)))
                .fetchOptional();
    }

    private static void ageSuppression(String email, Duration age) {
        stack.db().update(EMAIL_SUPPRESSION)
                .set(EMAIL_SUPPRESSION.UPDATED_AT, OffsetDateTime.now().minus(age))
                .where(EMAIL_SUPPRESSION.ADDRESS_HASH.eq(AddressHash.of(email)))
                .execute();
    }

    /** As SNS posts it: text/plain, whatever the JSON inside. */
    private static Http.Response postSns(String body) {
        return stack.http().post(SES, "text/plain; charset=UTF-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static Http.Response postMailgun(String body) {
        return stack.http().postJson(MAILGUN, body);
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception malformed) {
            throw new AssertionError(malformed);
        }
    }

    private static String metrics() {
        return stack.http().get("/metrics").body();
    }

    private static Http.Response admin(String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.http().base() + path))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return stack.http().send(request);
    }

    private static Http.Response adminJson(String method, String path, String json, String token) {
        return stack.http().send(HttpRequest.newBuilder(URI.create(stack.http().base() + path))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String adminToken(String name, String scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.adminToken(new String[]{"admin-token", "create", "--name", name, "--scope", scope},
                new EnvironmentVariables(stack.testStack().env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }
}
