package dev.launchline.invite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import dev.launchline.token.TokenSigner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.INVITE_BATCH;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** "Let the next N in": POST /api/v1/admin/waitlists/{slug}/invites, over real HTTP, PostgreSQL and SMTP. */
class InviteTest {
    private static final Path TEMPLATES = templatesWithAVipSubject();

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(() -> Map.of(
            "EMAIL_TEMPLATES_DIR", TEMPLATES.toString(),
            "FUNNELS", """
                    {"waitlists": [
                       {"slug": "launch", "name": "Rocket", "public_url": "https://rocket.test/",
                        "invite_url": "https://app.rocket.test/join?plan=beta", "referral_boost": 5},
                       {"slug": "vip", "name": "Rocket VIP", "public_url": "https://vip.rocket.test/"}]}
                    """));
    private static String write;
    private static String read;
    private static long nextOrder = 1;

    @BeforeAll
    static void issueTokens() {
        write = issue("launch-ops", "write");
        read = issue("launch-viewer", "read");
    }

    @BeforeEach
    void emptyLines() {
        stack.db().deleteFrom(SIGNUP).execute();
        stack.db().deleteFrom(INVITE_BATCH).execute();
        stack.db().deleteFrom(ADMIN_AUDIT).execute();
    }

    @Nested
    class LettingPeopleIn {
        @Test
        void invites_the_next_confirmed_people_in_line_order_and_mails_each_their_invite_link() {
            long second = inLine("launch", "second@line.test", 20);
            long first = inLine("launch", "first@line.test", 10);
            long third = inLine("launch", "third@line.test", 30);
            long fourth = inLine("launch", "fourth@line.test", 40);
            pending("launch", "pending@line.test");

            Http.Response response = invite(write, "launch", 3, UUID.randomUUID().toString());

            assertThat(response.status()).isEqualTo(201);
            JsonNode batch = response.json();
            assertThat(batch.get("requested").asInt()).isEqualTo(3);
            assertThat(batch.get("invited").asInt()).isEqualTo(3);
            assertThat(batch.get("waitlist").asText()).isEqualTo("launch");
            assertThat(batch.get("token_name").asText()).isEqualTo("launch-ops");
            assertThat(ids(batch)).containsExactly(first, second, third);
            assertThat(invitedIds()).containsExactlyInAnyOrder(first, second, third);
            assertThat(stack.db().fetchValue(SIGNUP.INVITE_BATCH_ID, SIGNUP.ID.eq(first)))
                    .isEqualTo(batch.get("id").asLong());
            assertThat(stack.db().fetchValue(SIGNUP.INVITED_AT, SIGNUP.ID.eq(fourth))).isNull();

            CapturedMail mail = stack.awaitMailTo("first@line.test", "You're in");
            assertThat(mail.subject()).isEqualTo("You're in: your Rocket invite");
            String inviteLink = mail.links().stream().filter(link -> link.startsWith("https://app.rocket.test/join"))
                    .findFirst().orElseThrow();
            assertThat(inviteLink).startsWith("https://app.rocket.test/join?plan=beta&invite=");
            assertThat(signer().verify(TokenSigner.Purpose.INVITE, inviteLink.substring(inviteLink.indexOf("invite=") + 7)))
                    .isEqualTo(first);
            assertThat(mail.listUnsubscribe()).contains("/unsubscribe?token=");
            stack.awaitMailTo("third@line.test", "You're in");
            stack.awaitOutboxDelivered();
            assertThat(stack.mailTo("fourth@line.test")).isEmpty();
        }

        @Test
        void people_who_unsubscribed_are_passed_over_and_so_are_those_already_invited() {
            long unsubscribed = inLine("launch", "gone@skip.test", 1);
            long alreadyIn = inLine("launch", "already@skip.test", 3);
            long next = inLine("launch", "next@skip.test", 4);
            OffsetDateTime yesterday = OffsetDateTime.now(ZoneOffset.UTC).minusDays(1).truncatedTo(ChronoUnit.SECONDS);
            stack.db().update(SIGNUP).set(SIGNUP.UNSUBSCRIBED_AT, yesterday).where(SIGNUP.ID.eq(unsubscribed)).execute();
            stack.db().update(SIGNUP).set(SIGNUP.INVITED_AT, yesterday).where(SIGNUP.ID.eq(alreadyIn)).execute();

            JsonNode batch = invite(write, "launch", 1, UUID.randomUUID().toString()).json();

            assertThat(ids(batch)).containsExactly(next);
            assertThat(invitedIds()).containsExactlyInAnyOrder(alreadyIn, next);
            assertThat(stack.db().fetchValue(SIGNUP.INVITED_AT, SIGNUP.ID.eq(alreadyIn)).toInstant())
                    .isEqualTo(yesterday.toInstant()); // the first invite's time stays
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.KIND.eq("invite"))).isEqualTo(1);
        }

        @Test
        void when_the_line_runs_out_the_batch_invites_who_is_left_and_says_so() {
            long only = inLine("launch", "only@short.test", 1);
            JsonNode batch = invite(write, "launch", 50, UUID.randomUUID().toString()).json();
            assertThat(batch.get("requested").asInt()).isEqualTo(50);
            assertThat(batch.get("invited").asInt()).isEqualTo(1);
            assertThat(ids(batch)).containsExactly(only);

            JsonNode nobodyLeft = invite(write, "launch", 50, UUID.randomUUID().toString()).json();
            assertThat(nobodyLeft.get("invited").asInt()).isZero();
            assertThat(nobodyLeft.get("invitees")).isEmpty();
        }

        @Test
        void a_batch_is_one_audit_entry_naming_the_waitlist_the_batch_and_the_numbers() {
            inLine("launch", "a@audit.test", 1);
            inLine("launch", "b@audit.test", 2);
            Http.Response response = invite(write, "launch", 5, UUID.randomUUID().toString());
            var entries = stack.db().selectFrom(ADMIN_AUDIT).fetch();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).getAction()).isEqualTo("waitlist.invite_next");
            assertThat(entries.get(0).getTarget())
                    .isEqualTo("waitlist:launch batch:" + response.json().get("id").asLong() + " invited 2 of 5");
            assertThat(entries.get(0).getTokenName()).isEqualTo("launch-ops");
            assertThat(entries.get(0).getRequestId()).isEqualTo(response.header("X-Request-Id"));
        }

        @Test
        void each_waitlist_has_its_own_line_and_its_own_invite_template() {
            long launchPerson = inLine("launch", "launch@lines.test", 1);
            long vipPerson = inLine("vip", "vip@lines.test", 2);

            JsonNode batch = invite(write, "vip", 10, UUID.randomUUID().toString()).json();

            assertThat(ids(batch)).containsExactly(vipPerson);
            assertThat(stack.db().fetchValue(SIGNUP.INVITED_AT, SIGNUP.ID.eq(launchPerson))).isNull();
            CapturedMail mail = stack.awaitMailTo("vip@lines.test", "VIP");
            assertThat(mail.subject()).isEqualTo("Rocket VIP: the doors are open"); // EMAIL_TEMPLATES_DIR/vip/
            // no invite_url configured: the link leads to the waitlist's public URL
            assertThat(mail.links()).anyMatch(link -> link.startsWith("https://vip.rocket.test/?invite="));
        }
    }

    @Nested
    class Idempotency {
        @Test
        void the_same_key_twice_invites_n_not_2n_and_answers_with_the_first_batch() {
            for (int i = 1; i <= 6; i++) {
                inLine("launch", "p" + i + "@retry.test", i);
            }
            String key = UUID.randomUUID().toString();
            Http.Response first = invite(write, "launch", 2, key);
            Http.Response again = invite(write, "launch", 2, key);

            assertThat(again.status()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(first.header("Idempotent-Replayed")).isNull();
            assertThat(again.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
            assertThat(ids(again.json())).isEqualTo(ids(first.json()));
            assertThat(invitedIds()).hasSize(2);
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.KIND.eq("invite"))).isEqualTo(2);
            assertThat(stack.db().fetchCount(ADMIN_AUDIT)).isEqualTo(1);
        }

        @Test
        void the_same_key_with_another_count_or_waitlist_is_422_and_invites_nobody_more() {
            for (int i = 1; i <= 6; i++) {
                inLine("launch", "p" + i + "@reuse.test", i);
            }
            String key = UUID.randomUUID().toString();
            invite(write, "launch", 2, key);

            for (Http.Response reused : List.of(invite(write, "launch", 3, key), invite(write, "vip", 2, key))) {
                assertThat(reused.status()).isEqualTo(422);
                assertThat(reused.json().at("/error/code").asText()).isEqualTo("idempotency_key_reused");
            }
            assertThat(invitedIds()).hasSize(2);
            assertThat(stack.db().fetchCount(INVITE_BATCH)).isEqualTo(1);
        }

        @Test
        void operators_inviting_at_the_same_moment_never_invite_one_person_twice() throws Exception {
            for (int i = 1; i <= 40; i++) {
                inLine("launch", "p" + i + "@race.test", i);
            }
            List<JsonNode> batches = atOnce(4, operator -> invite(write, "launch", 5, "operator-" + operator + "-" + UUID.randomUUID()));

            List<Long> invited = new ArrayList<>();
            batches.forEach(batch -> invited.addAll(ids(batch)));
            assertThat(invited).hasSize(20).doesNotHaveDuplicates();
            assertThat(invitedIds()).containsExactlyInAnyOrderElementsOf(invited);
            // together they are the front of the line: nobody behind was let in ahead of someone skipped
            assertThat(invitedIds()).containsExactlyInAnyOrderElementsOf(idsAtPositions(1, 20));
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.KIND.eq("invite"))).isEqualTo(20);
        }

        @Test
        void the_same_key_sent_several_times_at_once_invites_one_batch() throws Exception {
            for (int i = 1; i <= 40; i++) {
                inLine("launch", "p" + i + "@double-click.test", i);
            }
            String key = UUID.randomUUID().toString();
            List<JsonNode> answers = atOnce(4, operator -> invite(write, "launch", 5, key));

            assertThat(answers).extracting(batch -> batch.get("id").asLong()).containsOnly(answers.get(0).get("id").asLong());
            assertThat(invitedIds()).hasSize(5);
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.KIND.eq("invite"))).isEqualTo(5);
        }
    }

    @Nested
    class WhatThePersonAndTheAdminSee {
        @Test
        void the_status_page_and_its_json_say_when_the_person_was_invited() {
            long person = inLine("launch", "me@status.test", 1);
            long waiting = inLine("launch", "still@status.test", 2);
            invite(write, "launch", 1, UUID.randomUUID().toString());

            String token = signer().issue(TokenSigner.Purpose.STATUS, person, Optional.empty());
            OffsetDateTime invitedAt = stack.db().fetchValue(SIGNUP.INVITED_AT, SIGNUP.ID.eq(person));
            JsonNode status = stack.http().get("/api/v1/status?token=" + token).json();
            assertThat(OffsetDateTime.parse(status.get("invited_at").asText()).toInstant()).isEqualTo(invitedAt.toInstant());
            String page = stack.http().getHtml("/status?token=" + token).body();
            assertThat(page).contains("Invited on <strong>" + invitedAt.withOffsetSameInstant(ZoneOffset.UTC)
                    .format(java.time.format.DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.ENGLISH)));

            String waitingToken = signer().issue(TokenSigner.Purpose.STATUS, waiting, Optional.empty());
            assertThat(stack.http().get("/api/v1/status?token=" + waitingToken).json().get("invited_at").isNull()).isTrue();
            assertThat(stack.http().getHtml("/status?token=" + waitingToken).body()).doesNotContain("Invited on")
                    .contains("id=\"position\"");
        }

        @Test
        void the_product_the_invite_link_leads_to_can_ask_whom_its_token_belongs_to() {
            long person = inLine("launch", "ada@token.test", 1);
            invite(write, "launch", 1, UUID.randomUUID().toString());
            String link = stack.awaitMailTo("ada@token.test", "You're in").links().stream()
                    .filter(url -> url.startsWith("https://app.rocket.test/join")).findFirst().orElseThrow();
            String token = link.substring(link.indexOf("invite=") + 7);

            Http.Response answer = admin(read, "GET", "/api/v1/admin/invite-token?token=" + token, null, null);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("id").asLong()).isEqualTo(person);
            assertThat(answer.json().get("email").asText()).isEqualTo("ada@token.test");
            assertThat(answer.json().get("waitlist").asText()).isEqualTo("launch");
            assertThat(answer.json().get("invited_at").isTextual()).isTrue();

            String statusToken = signer().issue(TokenSigner.Purpose.STATUS, person, Optional.empty());
            assertThat(admin(read, "GET", "/api/v1/admin/invite-token?token=" + statusToken, null, null).status())
                    .as("another link's token is no invite").isEqualTo(400);
            assertThat(admin(read, "GET", "/api/v1/admin/invite-token", null, null).status()).isEqualTo(400);
            assertThat(admin(null, "GET", "/api/v1/admin/invite-token?token=" + token, null, null).status()).isEqualTo(401);
            stack.db().deleteFrom(SIGNUP).where(SIGNUP.ID.eq(person)).execute();
            assertThat(admin(read, "GET", "/api/v1/admin/invite-token?token=" + token, null, null).status())
                    .as("erased: the invite ends with the person").isEqualTo(410);
        }

        @Test
        void the_admin_search_lists_the_invited_with_their_invite_time() {
            long person = inLine("launch", "me@search.test", 1);
            inLine("launch", "other@search.test", 2);
            invite(write, "launch", 1, UUID.randomUUID().toString());

            JsonNode page = admin(read, "GET", "/api/v1/admin/signups?status=invited&waitlist=launch", null, null).json();
            assertThat(page.get("items")).hasSize(1);
            assertThat(page.at("/items/0/id").asLong()).isEqualTo(person);
            assertThat(page.at("/items/0/invited_at").isTextual()).isTrue();
        }
    }

    @Nested
    class BadRequests {
        @ParameterizedTest(name = "{0} -> {1} {2}")
        @CsvSource(delimiter = '|', value = {
                "not json                          | 400 | malformed_json",
                "[5]                               | 400 | malformed_json",
                "{}                                | 422 | validation_failed",
                "{\"count\": 0}                    | 422 | validation_failed",
                "{\"count\": -3}                   | 422 | validation_failed",
                "{\"count\": 1001}                 | 422 | validation_failed",
                "{\"count\": 99999999999999999999} | 422 | validation_failed",
                "{\"count\": 2.5}                  | 422 | validation_failed",
                "{\"count\": \"ten\"}              | 422 | validation_failed",
                "{\"count\": true}                 | 422 | validation_failed",
                "{\"count\": [5]}                  | 422 | validation_failed",
                "{\"count\": null}                 | 422 | validation_failed",
                "{\"count\": 5, \"cuont\": 5}      | 422 | validation_failed"})
        void a_bad_body_is_a_4xx_in_the_standard_shape_and_invites_nobody(String body, int status, String code) {
            inLine("launch", "victim@bad.test", 1);
            Http.Response response = admin(write, "POST", "/api/v1/admin/waitlists/launch/invites", body,
                    UUID.randomUUID().toString());
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.json().at("/error/code").asText()).isEqualTo(code);
            assertNothingStored();
        }

        @ParameterizedTest(name = "Idempotency-Key \"{0}\" -> {1}")
        @CsvSource(delimiter = '|', nullValues = "NONE", value = {
                "NONE     | idempotency_key_missing",
                "''       | idempotency_key_missing",
                "has space| idempotency_key_invalid",
                "LONG     | idempotency_key_invalid"})
        void a_missing_or_malformed_idempotency_key_is_400_and_invites_nobody(String key, String code) {
            inLine("launch", "victim@key.test", 1);
            String sent = "LONG".equals(key) ? "k".repeat(201) : key;
            Http.Response response = admin(write, "POST", "/api/v1/admin/waitlists/launch/invites", "{\"count\": 1}", sent);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().at("/error/code").asText()).isEqualTo(code);
            assertNothingStored();
        }

        @Test
        void a_key_of_200_characters_is_accepted() {
            inLine("launch", "fine@key.test", 1);
            assertThat(invite(write, "launch", 1, "k".repeat(200)).status()).isEqualTo(201);
        }

        @Test
        void an_unknown_waitlist_is_404_a_read_token_403_and_no_token_401() {
            inLine("launch", "victim@access.test", 1);
            assertThat(invite(write, "nope", 1, UUID.randomUUID().toString()).status()).isEqualTo(404);
            assertThat(invite(read, "launch", 1, UUID.randomUUID().toString()).status()).isEqualTo(403);
            assertThat(invite(null, "launch", 1, UUID.randomUUID().toString()).status()).isEqualTo(401);
            assertNothingStored();
        }

        @Test
        void a_form_body_or_another_media_type_is_refused_or_read_the_same_way() {
            inLine("launch", "victim@media.test", 1);
            Http.Response text = stack.http().send(HttpRequest.newBuilder(URI.create(stack.http().base()
                            + "/api/v1/admin/waitlists/launch/invites"))
                    .header("Authorization", "Bearer " + write)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("count=1")));
            assertThat(text.status()).isEqualTo(415);
            assertNothingStored();
        }

        private void assertNothingStored() {
            assertThat(stack.db().fetchCount(INVITE_BATCH)).isZero();
            assertThat(invitedIds()).isEmpty();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.KIND.eq("invite"))).isZero();
            assertThat(stack.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.ACTION.eq("waitlist.invite_next"))).isZero();
        }
    }

    // --- helpers ---

    /** A confirmed person in line: {@code order} is both their confirmation order and their position key. */
    private static long inLine(String waitlist, String email, long order) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long confirmationOrder = nextOrder++;
        return stack.db().insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, waitlist)
                .set(SIGNUP.EMAIL, email)
                .set(SIGNUP.EMAIL_KEY, email)
                .set(SIGNUP.REFERRAL_CODE, UUID.randomUUID().toString().substring(0, 12))
                .set(SIGNUP.CONFIRMED_AT, now)
                .set(SIGNUP.CONFIRMATION_ORDER, confirmationOrder)
                .set(SIGNUP.POSITION_KEY, order)
                .returning(SIGNUP.ID)
                .fetchSingle(SIGNUP.ID);
    }

    private static void pending(String waitlist, String email) {
        stack.db().insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, waitlist)
                .set(SIGNUP.EMAIL, email)
                .set(SIGNUP.EMAIL_KEY, email)
                .set(SIGNUP.REFERRAL_CODE, UUID.randomUUID().toString().substring(0, 12))
                .execute();
    }

    private static List<Long> invitedIds() {
        return stack.db().select(SIGNUP.ID).from(SIGNUP).where(SIGNUP.INVITED_AT.isNotNull()).fetch(SIGNUP.ID);
    }

    private static List<Long> idsAtPositions(int from, int to) {
        return stack.db().select(SIGNUP.ID)
                .from(SIGNUP)
                .where(SIGNUP.POSITION_KEY.between((long) from, (long) to))
                .fetch(SIGNUP.ID);
    }

    private static List<Long> ids(JsonNode batch) {
        return StreamSupport.stream(batch.get("invitees").spliterator(), false).map(person -> person.get("id").asLong())
                .toList();
    }

    private interface Operator {
        Http.Response act(int operator);
    }

    /** The same moment, as near as threads get: all start together after a latch. Every answer must be 201. */
    private static List<JsonNode> atOnce(int operators, Operator operator) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(operators);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < operators; i++) {
                int n = i;
                answers.add(pool.submit((Callable<Http.Response>) () -> {
                    start.await();
                    return operator.act(n);
                }));
            }
            start.countDown();
            List<JsonNode> batches = new ArrayList<>();
            for (Future<Http.Response> answer : answers) {
                Http.Response response = answer.get();
                assertThat(response.status()).as(response.body()).isEqualTo(201);
                batches.add(response.json());
            }
            return batches;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Http.Response invite(String token, String waitlist, int count, String key) {
        return admin(token, "POST", "/api/v1/admin/waitlists/" + waitlist + "/invites", "{\"count\": " + count + "}", key);
    }

    private static Http.Response admin(String token, String method, String path, String json, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.http().base() + path))
                .header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return stack.http().send(request);
    }

    private static TokenSigner signer() {
        return new TokenSigner(Secret.of(TestStack.SIGNING_KEY), Optional.empty(), Clock.systemUTC());
    }

    private static String issue(String name, String scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.adminToken(new String[] {"admin-token", "create", "--name", name, "--scope", scope},
                new EnvironmentVariables(stack.env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }

    private static Path templatesWithAVipSubject() {
        try {
            Path dir = Files.createTempDirectory("invite-templates");
            Files.createDirectories(dir.resolve("vip"));
            Files.writeString(dir.resolve("vip/invite.subject.mustache"), "{{waitlist_name}}: the doors are open");
            return dir;
        } catch (IOException unwritable) {
            throw new UncheckedIOException(unwritable);
        }
    }
}
