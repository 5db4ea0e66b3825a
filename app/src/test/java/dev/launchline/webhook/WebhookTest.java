package dev.launchline.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static dev.launchline.db.schema.Tables.WEBHOOK_DELIVERY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end: the real service, a real PostgreSQL, a real SMTP server, and a local
 * receiver that verifies every signature with the Standard Webhooks reference library.
 */
class WebhookTest {
    /** The secret the receiver knows; the service also signs with a newer one, as during a rotation. */
    private static final String OLD_SECRET = secret();
    private static final String NEW_SECRET = secret();
    private static final LocalWebhookReceiver receiver = receiver(OLD_SECRET);

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(() -> Map.of(
            "WEBHOOKS", """
                    {"endpoints": [{"id": "crm", "url": "%s", "secret_env": "WEBHOOK_CRM_SECRET",
                      "events": ["signup.created", "signup.confirmed", "referral.credited", "invite.sent",
                                 "person.unsubscribed", "person.erased", "lead.created"]}]}
                    """.formatted(receiver.url()),
            "WEBHOOK_CRM_SECRET", NEW_SECRET + " " + OLD_SECRET,
            "WEBHOOK_POLL_INTERVAL_MS", "50",
            "WEBHOOK_RETRY_BASE_MS", "100",
            "WEBHOOK_RETRY_MAX_MS", "300",
            "WEBHOOK_MAX_ATTEMPTS", "3",
            "WEBHOOK_TIMEOUT_MS", "2000",
            "REFERRAL_SAME_IP_WINDOW_HOURS", "0"));

    @AfterEach
    void healTheReceiver() {
        receiver.failAll(false);
        receiver.failFirstAttempts(0);
        receiver.release();
    }

    @AfterAll
    static void stopTheReceiver() {
        receiver.close();
    }

    @Test
    void a_persons_whole_story_reaches_the_receiver_signed_with_either_secret() {
        String ada = signUpAndConfirm("ada@webhooks.test", null);
        String code = stack.http().get("/api/v1/status?token=" + ada).json().get("referral_link").asText().replaceAll(".*ref=", "");
        String bob = signUpAndConfirm("bob@webhooks.test", code);
        long adaId = idOf("ada@webhooks.test");
        long bobId = idOf("bob@webhooks.test");

        JsonNode created = await("signup.created", bobId);
        assertThat(created.get("email").asText()).isEqualTo("bob@webhooks.test");
        assertThat(created.get("waitlist").asText()).isEqualTo("launch");
        assertThat(created.get("referred_by").asLong()).isEqualTo(adaId);
        assertThat(await("signup.confirmed", bobId).get("confirmed_at").asText()).isNotBlank();
        JsonNode referral = awaitWhere("referral.credited", data -> data.get("referee_id").asText().equals(String.valueOf(bobId)));
        assertThat(referral.get("referrer_id").asText()).isEqualTo(String.valueOf(adaId));

        // one-click unsubscribe, then erasure through the person's own link
        assertThat(stack.http().postForm(unsubscribeUrl("bob@webhooks.test"), "List-Unsubscribe=One-Click").status())
                .isEqualTo(200);
        assertThat(await("person.unsubscribed", bobId).get("email").asText()).isEqualTo("bob@webhooks.test");
        String token = unsubscribeUrl("bob@webhooks.test").replaceAll(".*token=", "");
        assertThat(stack.http().postForm("/erase?token=" + token, "").status()).isEqualTo(200);
        JsonNode erased = await("person.erased", bobId);
        assertThat(erased.toString()).doesNotContain("bob@");

        assertThat(receiver.unverified()).isZero();
        // each of Ada's events is on record as delivered, once
        Eventually.get(() -> stack.db().fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.SIGNUP_ID.eq(adaId)
                .and(WEBHOOK_DELIVERY.STATUS.eq("delivered"))) == 2 ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(10));
        assertThat(receiver.received().stream().filter(r -> r.data().path("id").asText().equals(String.valueOf(adaId))))
                .extracting(LocalWebhookReceiver.Received::type)
                .containsExactlyInAnyOrder("signup.created", "signup.confirmed");
        assertThat(bob).isNotBlank();
    }

    @Test
    void a_waitlist_without_double_opt_in_and_a_contact_form_send_their_events_too() {
        assertThat(stack.http().postJson("/api/v1/waitlists/instant/signups", "{\"email\": \"cy@webhooks.test\"}").status())
                .isEqualTo(202);
        long cy = idOf("cy@webhooks.test");
        await("signup.created", cy);
        await("signup.confirmed", cy);

        assertThat(stack.http().postJson("/api/v1/forms/contact/submissions",
                "{\"email\": \"dee@webhooks.test\", \"message\": \"Pricing for 40 seats?\", \"custom_fields\": {\"budget\": \"10k\"}}")
                .status()).isEqualTo(202);
        JsonNode lead = awaitWhere("lead.created", data -> data.get("email").asText().equals("dee@webhooks.test"));
        assertThat(lead.get("form").asText()).isEqualTo("contact");
        assertThat(lead.get("message").asText()).isEqualTo("Pricing for 40 seats?");
        assertThat(lead.get("custom_fields").get("budget").asText()).isEqualTo("10k");
    }

    @Test
    void letting_people_in_tells_the_receiver_who_was_invited() {
        assertThat(stack.http().postJson("/api/v1/waitlists/instant/signups", "{\"email\": \"ivy@webhooks.test\"}").status())
                .isEqualTo(202);
        long ivy = idOf("ivy@webhooks.test");
        await("signup.confirmed", ivy); // in line
        String writer = adminToken("webhook-inviter", "write");
        Http.Response batch = stack.http().send(HttpRequest.newBuilder(
                        java.net.URI.create(stack.http().base() + "/api/v1/admin/waitlists/instant/invites"))
                .header("Authorization", "Bearer " + writer)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "webhook-test-" + ivy)
                .POST(HttpRequest.BodyPublishers.ofString("{\"count\": 1000}")));
        assertThat(batch.status()).isEqualTo(201);
        JsonNode invited = await("invite.sent", ivy);
        assertThat(invited.get("email").asText()).isEqualTo("ivy@webhooks.test");
        assertThat(invited.get("invited_at").asText()).isNotBlank();
    }

    @Test
    void a_failing_receiver_gets_the_same_webhook_id_again_until_it_answers() {
        receiver.failFirstAttempts(2);
        stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"eve@webhooks.test\"}");
        long eve = idOf("eve@webhooks.test");
        await("signup.created", eve);

        // the receiver has it; the service records the answer a moment later
        var row = Eventually.get(() -> stack.db().selectFrom(WEBHOOK_DELIVERY)
                .where(WEBHOOK_DELIVERY.SIGNUP_ID.eq(eve))
                .and(WEBHOOK_DELIVERY.EVENT_TYPE.eq("signup.created"))
                .and(WEBHOOK_DELIVERY.STATUS.eq("delivered"))
                .fetchOptional(), Duration.ofSeconds(10));
        assertThat(receiver.attempts(row.getMessageId())).isEqualTo(3);
        assertThat(row.getAttempts()).isEqualTo(3);
        assertThat(row.getStatus()).isEqualTo("delivered");
        assertThat(row.getLastStatus()).isEqualTo(204);
    }

    @Test
    void a_receiver_that_hangs_does_not_hold_up_signups() {
        receiver.holdRequests();
        List<String> people = List.of("f1@webhooks.test", "f2@webhooks.test", "f3@webhooks.test", "f4@webhooks.test",
                "f5@webhooks.test", "f6@webhooks.test");
        Eventually.get(() -> {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"f0@webhooks.test\"}");
            return receiver.waiting() > 0 ? Optional.of(true) : Optional.empty();
        }, Duration.ofSeconds(10));
        // the receiver holds a request unanswered: signups are answered and stored meanwhile
        for (String person : people) {
            assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + person + "\"}").status())
                    .isEqualTo(202);
        }
        assertThat(receiver.waiting()).isPositive();
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.in(people))).isEqualTo(people.size());
        receiver.release();
        for (String person : people) {
            await("signup.created", idOf(person));
        }
    }

    @Test
    void a_dead_lettered_delivery_is_listed_and_replayed_through_the_admin_api() {
        receiver.failAll(true);
        stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"gus@webhooks.test\"}");
        long gus = idOf("gus@webhooks.test");
        long delivery = Eventually.get(() -> Optional.ofNullable(stack.db().select(WEBHOOK_DELIVERY.ID)
                .from(WEBHOOK_DELIVERY)
                .where(WEBHOOK_DELIVERY.SIGNUP_ID.eq(gus))
                .and(WEBHOOK_DELIVERY.STATUS.eq("dead"))
                .fetchOne(WEBHOOK_DELIVERY.ID)), Duration.ofSeconds(20));

        String reader = adminToken("webhook-reader", "read");
        String writer = adminToken("webhook-writer", "write");
        JsonNode dead = admin(reader, "GET", "/api/v1/admin/webhooks/deliveries?status=dead&endpoint=crm").json();
        assertThat(dead.get("items").findValuesAsText("id")).contains(String.valueOf(delivery));
        JsonNode one = admin(reader, "GET", "/api/v1/admin/webhooks/deliveries/" + delivery).json();
        assertThat(one.get("last_error").asText()).isEqualTo("HTTP 500");
        assertThat(one.get("attempts").asInt()).isEqualTo(3);
        assertThat(one.get("payload").get("data").get("email").asText()).isEqualTo("gus@webhooks.test");
        JsonNode endpoints = admin(reader, "GET", "/api/v1/admin/webhooks").json().get("endpoints");
        assertThat(endpoints.get(0).get("id").asText()).isEqualTo("crm");
        assertThat(endpoints.get(0).get("dead").asInt()).isPositive();
        assertThat(endpoints.toString()).doesNotContain("whsec_");

        // a read token cannot replay; a write token can, once the receiver is back
        assertThat(admin(reader, "POST", "/api/v1/admin/webhooks/crm/replay-dead").status()).isEqualTo(403);
        receiver.failAll(false);
        Http.Response replayed = admin(writer, "POST", "/api/v1/admin/webhooks/crm/replay-dead");
        assertThat(replayed.status()).isEqualTo(202);
        assertThat(replayed.json().get("replayed").asInt()).isPositive();
        await("signup.created", gus);
        // the receiver has it; the sender records its answer a moment later
        Eventually.get(() -> Optional.of(true).filter(any -> "delivered".equals(
                stack.db().fetchValue(WEBHOOK_DELIVERY.STATUS, WEBHOOK_DELIVERY.ID.eq(delivery)))), Duration.ofSeconds(10));
        assertThat(stack.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.ACTION.eq("webhook.replay_dead"))).isEqualTo(1);

        // one delivery again, by id: the same webhook-id, which a receiver that has it can drop
        String webhookId = stack.db().fetchValue(WEBHOOK_DELIVERY.MESSAGE_ID, WEBHOOK_DELIVERY.ID.eq(delivery));
        int before = receiver.attempts(webhookId);
        assertThat(admin(writer, "POST", "/api/v1/admin/webhooks/deliveries/" + delivery + "/replay").status()).isEqualTo(202);
        Eventually.get(() -> receiver.attempts(webhookId) > before ? Optional.of(true) : Optional.empty(), Duration.ofSeconds(10));
    }

    @Test
    void the_admin_api_refuses_bad_queries_in_the_standard_shape() {
        String reader = adminToken("webhook-checker", "read");
        Http.Response badStatus = admin(reader, "GET", "/api/v1/admin/webhooks/deliveries?status=sent");
        assertThat(badStatus.status()).isEqualTo(422);
        assertThat(badStatus.json().get("error").get("fields").get("status").asText()).contains("pending, delivered, dead");
        assertThat(admin(reader, "GET", "/api/v1/admin/webhooks/deliveries?stauts=dead").status()).isEqualTo(422);
        assertThat(admin(reader, "GET", "/api/v1/admin/webhooks/deliveries?limit=0").status()).isEqualTo(422);
        assertThat(admin(reader, "GET", "/api/v1/admin/webhooks/deliveries/999999999").status()).isEqualTo(404);
        assertThat(admin(reader, "GET", "/api/v1/admin/webhooks/deliveries/1%27%20or%201=1").status()).isEqualTo(404);
        String writer = adminToken("webhook-fixer", "write");
        assertThat(admin(writer, "POST", "/api/v1/admin/webhooks/nobody/replay-dead").status()).isEqualTo(404);
        assertThat(admin(writer, "POST", "/api/v1/admin/webhooks/deliveries/999999999/replay").status()).isEqualTo(404);
        assertThat(admin(null, "GET", "/api/v1/admin/webhooks").status()).isEqualTo(401);
    }

    @Test
    void erasure_takes_the_persons_undelivered_events_with_it() {
        receiver.failAll(true);
        stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"hal@webhooks.test\"}");
        long hal = idOf("hal@webhooks.test");
        assertThat(stack.db().fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.SIGNUP_ID.eq(hal))).isEqualTo(1);

        String writer = adminToken("webhook-eraser", "write");
        assertThat(admin(writer, "DELETE", "/api/v1/admin/signups/" + hal).status()).isEqualTo(204);
        assertThat(stack.db().fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.SIGNUP_ID.eq(hal))).isZero();
        assertThat(stack.db().fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.PAYLOAD.cast(String.class).contains("hal@")))
                .isZero();
        receiver.failAll(false);
        assertThat(await("person.erased", hal).get("waitlist").asText()).isEqualTo("launch");
    }

    @Test
    void delivered_payloads_are_deleted_once_the_retention_has_passed_and_owed_ones_stay() {
        var longAgo = java.time.OffsetDateTime.now().minusDays(31);
        long old = stored("delivered", longAgo);
        long owed = stored("dead", null);
        long recent = stored("delivered", java.time.OffsetDateTime.now().minusDays(29));

        new WebhookRetention(new WebhookRepository(stack.db(), java.time.Clock.systemUTC()), Duration.ofDays(30)).run();

        assertThat(stack.db().fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.ID.eq(old))).isZero();
        assertThat(stack.db().fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.ID.in(owed, recent))).isEqualTo(2);
    }

    /** A delivery row already past the sender (not pending): it does not race the running one. */
    private static long stored(String status, java.time.OffsetDateTime deliveredAt) {
        return stack.db().insertInto(WEBHOOK_DELIVERY)
                .set(WEBHOOK_DELIVERY.MESSAGE_ID, "msg_retention_" + System.nanoTime())
                .set(WEBHOOK_DELIVERY.ENDPOINT, "crm")
                .set(WEBHOOK_DELIVERY.EVENT_TYPE, "lead.created")
                .set(WEBHOOK_DELIVERY.PAYLOAD, org.jooq.JSON.valueOf("{\"data\": {\"email\": \"old@webhooks.test\"}}"))
                .set(WEBHOOK_DELIVERY.STATUS, status)
                .set(WEBHOOK_DELIVERY.DELIVERED_AT, deliveredAt)
                .returning(WEBHOOK_DELIVERY.ID)
                .fetchSingle(WEBHOOK_DELIVERY.ID);
    }

    // --- helpers ---

    private static String signUpAndConfirm(String email, String referralCode) {
        String body = referralCode == null
                ? "{\"email\": \"" + email + "\"}"
                : "{\"email\": \"" + email + "\", \"referral_code\": \"" + referralCode + "\"}";
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", body).status()).isEqualTo(202);
        String confirm = link(stack.awaitMailTo(email, "Confirm your spot"), "/confirm");
        assertThat(stack.http().postForm("/confirm", "token=" + confirm.replaceAll(".*token=", "")).status()).isEqualTo(200);
        return link(stack.awaitMailTo(email, "You're #"), "/status").replaceAll(".*token=", "");
    }

    private static String unsubscribeUrl(String email) {
        return stack.awaitMailTo(email, "You're #").listUnsubscribe().replaceAll("^<|>$", "");
    }

    private static String link(CapturedMail mail, String path) {
        return mail.links().stream().filter(link -> link.contains(path + "?")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + path + " link in " + mail.text()));
    }

    private static long idOf(String email) {
        return stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq(email));
    }

    private static JsonNode await(String type, long signupId) {
        return awaitWhere(type, data -> data.get("id").asText().equals(String.valueOf(signupId)));
    }

    private static JsonNode awaitWhere(String type, java.util.function.Predicate<JsonNode> matching) {
        return Eventually.get(() -> receiver.received(type).stream()
                .map(LocalWebhookReceiver.Received::data)
                .filter(matching)
                .findFirst(), Duration.ofSeconds(20));
    }

    private static String adminToken(String name, String scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.adminToken(new String[]{"admin-token", "create", "--name", name, "--scope", scope},
                new EnvironmentVariables(stack.testStack().env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }

    private static Http.Response admin(String token, String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(stack.http().base() + path))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return stack.http().send(request);
    }

    private static String secret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static LocalWebhookReceiver receiver(String secret) {
        try {
            return new LocalWebhookReceiver(secret);
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }
}
