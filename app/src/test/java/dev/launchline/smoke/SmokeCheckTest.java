package dev.launchline.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The synthetic smoke check, run in-process against a whole service over real HTTP, with real
 * PostgreSQL and a real (in-process) SMTP server; and what a test signup must never change.
 */
class SmokeCheckTest {
    private static final String DOMAIN = "smoke.launchline.test";

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();
    private static String writeToken;
    private static String readToken;

    @BeforeAll
    static void issueTokens() {
        writeToken = issueToken(stack.testStack(), "smoke-monitor", "write");
        readToken = issueToken(stack.testStack(), "dashboard", "read");
    }

    @Nested
    class TheCommand {
        @Test
        void a_run_against_a_healthy_service_reports_ok_and_leaves_nothing_behind() {
            Run run = smoke(stack.testStack(), Map.of("SMOKE_ADMIN_TOKEN", writeToken), "--timeout", "20s");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).matches("smoke ok: signup stored, confirmation accepted by SMTP in \\d+\\.\\d s\\n");
            CapturedMail confirmation = stack.awaitMail(mail -> mail.to().get(0).matches("smoke\\+[0-9a-f]{12}@" + DOMAIN));
            assertThat(confirmation.subject()).contains("Confirm");
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.IS_TEST.isTrue())).isZero();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.RECIPIENT.endsWith("@" + DOMAIN))).isZero();
            List<String> audited = stack.db().select(ADMIN_AUDIT.ACTION)
                    .from(ADMIN_AUDIT)
                    .where(ADMIN_AUDIT.TOKEN_NAME.eq("smoke-monitor"))
                    .orderBy(ADMIN_AUDIT.ID)
                    .fetch(ADMIN_AUDIT.ACTION);
            assertThat(audited).containsSubsequence("smoke.create_signup", "smoke.delete_signup");
        }

        @Test
        void the_token_may_come_from_a_file(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("smoke-token");
            Files.writeString(file, writeToken + "\n");

            Run run = smoke(stack.testStack(), Map.of("SMOKE_ADMIN_TOKEN_FILE", file.toString()), "--timeout", "20s");

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        }

        @Test
        void an_unknown_token_is_refused_and_nothing_is_stored() {
            Run run = smoke(stack.testStack(), Map.of("SMOKE_ADMIN_TOKEN", "ll_not-a-real-token"));

            assertThat(run.exitCode()).isEqualTo(SmokeCommand.FAILED);
            assertThat(run.out()).startsWith("smoke FAILED: admin token refused (HTTP 401: ").endsWith(")\n");
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.IS_TEST.isTrue())).isZero();
        }

        @Test
        void a_read_only_token_is_refused_because_the_check_creates_and_deletes() {
            Run run = smoke(stack.testStack(), Map.of("SMOKE_ADMIN_TOKEN", readToken));

            assertThat(run.exitCode()).isEqualTo(SmokeCommand.FAILED);
            assertThat(run.out()).startsWith("smoke FAILED: admin token refused (HTTP 403: ")
                    .contains("write token");
        }

        @Test
        void an_unknown_waitlist_fails_with_the_services_reason() {
            Run run = smoke(stack.testStack(), Map.of("SMOKE_ADMIN_TOKEN", writeToken), "--waitlist", "no-such-list");

            assertThat(run.exitCode()).isEqualTo(SmokeCommand.FAILED);
            assertThat(run.out()).startsWith("smoke FAILED: could not store the test signup (HTTP 404: ");
        }

        @Test
        void a_service_that_is_not_there_fails_with_cannot_reach() {
            String nobody = "http://127.0.0.1:" + TestStack.freePort();
            Run run = run(Map.of("SMOKE_ADMIN_TOKEN", writeToken, "SMOKE_EMAIL_DOMAIN", DOMAIN),
                    "smoke", "--base-url", nobody, "--waitlist", "launch", "--timeout", "2s");

            assertThat(run.exitCode()).isEqualTo(SmokeCommand.FAILED);
            assertThat(run.out()).startsWith("smoke FAILED: cannot reach " + nobody + " (");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "no token in the environment     | -                | --base-url http://127.0.0.1:9 --waitlist launch",
                "a token on the command line     | SMOKE_ADMIN_TOKEN | --base-url http://127.0.0.1:9 --waitlist launch --token x",
                "no base URL                     | SMOKE_ADMIN_TOKEN | --waitlist launch",
                "a base URL that is not http(s)  | SMOKE_ADMIN_TOKEN | --base-url ftp://example.com --waitlist launch",
                "no waitlist                     | SMOKE_ADMIN_TOKEN | --base-url http://127.0.0.1:9",
                "a timeout of zero               | SMOKE_ADMIN_TOKEN | --base-url http://127.0.0.1:9 --waitlist launch --timeout 0s",
                "a timeout without a number      | SMOKE_ADMIN_TOKEN | --base-url http://127.0.0.1:9 --waitlist launch --timeout soon",
                "an email domain that is not one | SMOKE_ADMIN_TOKEN | --base-url http://127.0.0.1:9 --waitlist launch --email-domain a@b",
                "an option given twice           | SMOKE_ADMIN_TOKEN | --base-url http://127.0.0.1:9 --waitlist launch --waitlist x",
        })
        void a_usage_error_exits_64_and_sends_nothing(String what, String tokenVariable, String arguments) {
            Map<String, String> env = new HashMap<>(Map.of("SMOKE_EMAIL_DOMAIN", DOMAIN));
            if (!tokenVariable.equals("-")) {
                env.put(tokenVariable, writeToken);
            }
            List<String> args = new ArrayList<>(List.of("smoke"));
            args.addAll(List.of(arguments.split(" ")));

            Run run = run(env, args.toArray(String[]::new));

            assertThat(run.exitCode()).as(what).isEqualTo(SmokeCommand.USAGE);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("smoke: ").contains("usage: launchline smoke");
        }
    }

    @Test
    void with_smtp_down_the_run_fails_naming_smtp_and_still_cleans_up() {
        try (TestStack broken = TestStack.start()) {
            String token = issueToken(broken, "smoke-monitor", "write");
            broken.stopSmtp();

            Run run = smoke(broken, Map.of("SMOKE_ADMIN_TOKEN", token), "--timeout", "3s");

            assertThat(run.exitCode()).isEqualTo(SmokeCommand.FAILED);
            assertThat(run.out()).matches("smoke FAILED: confirmation not accepted by SMTP within 3 s "
                    + "\\(status (pending|sending), [0-9]+ attempts, last error: .+\\)\\n");
            assertThat(broken.db().fetchCount(SIGNUP, SIGNUP.IS_TEST.isTrue())).isZero();
            assertThat(broken.db().fetchCount(OUTBOX_EMAIL)).isZero();
            assertThat(broken.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.ACTION.eq("smoke.delete_signup"))).isEqualTo(1);
        }
    }

    @Test
    void behind_an_origin_lock_a_run_that_bypasses_the_edge_is_not_blamed_on_the_token() {
        try (TestStack locked = TestStack.start(Map.of("ORIGIN_LOCK_SECRET", "origin-lock-Rn5Yb8Kq2Wz7Xm4Tp9Lc1Hv6"))) {
            String token = issueToken(locked, "smoke-monitor", "write");

            Run run = smoke(locked, Map.of("SMOKE_ADMIN_TOKEN", token));

            assertThat(run.exitCode()).isEqualTo(SmokeCommand.FAILED);
            assertThat(run.out()).isEqualTo("smoke FAILED: could not store the test signup "
                    + "(HTTP 403: Requests must come through the website's edge.)\n");
        }
    }

    @Nested
    class ATestSignup {
        @Test
        void changes_no_position_no_confirmed_total_no_stats_and_no_export() {
            String status = joinInstantList("first@people.test");
            JsonNode before = stack.http().get("/api/v1/status?token=" + status).json();

            int signupsInStatsBefore = admin(readToken, "GET", "/api/v1/admin/stats?days=1", null)
                    .json().at("/signups/total").asInt();
            long testId = createTestSignup("smoke+positions@" + DOMAIN, "instant");
            assertThat(admin(readToken, "GET", "/api/v1/admin/stats?days=1", null).json().at("/signups/total").asInt())
                    .as("the dashboard's stats do not count a smoke check").isEqualTo(signupsInStatsBefore);
            // the strongest form of "never in line": the database refuses it outright
            assertThatThrownBy(() -> stack.db().update(SIGNUP)
                    .set(SIGNUP.POSITION_KEY, 0L)
                    .set(SIGNUP.CONFIRMATION_ORDER, 0L)
                    .where(SIGNUP.ID.eq(testId))
                    .execute())
                    .isInstanceOf(DataAccessException.class)
                    .hasMessageContaining("signup_test_never_in_line");
            String second = joinInstantList("second@people.test");

            JsonNode after = stack.http().get("/api/v1/status?token=" + status).json();
            assertThat(after.get("position").asInt()).isEqualTo(before.get("position").asInt());
            assertThat(after.get("confirmed_total").asInt()).isEqualTo(before.get("confirmed_total").asInt() + 1);
            JsonNode secondStatus = stack.http().get("/api/v1/status?token=" + second).json();
            assertThat(secondStatus.get("position").asInt()).isEqualTo(after.get("confirmed_total").asInt());

            assertThat(listedEmails("")).doesNotContain("smoke+positions@" + DOMAIN).contains("first@people.test");
            assertThat(exportedCsv("")).doesNotContain("smoke+positions@" + DOMAIN).contains("first@people.test");
            assertThat(listedEmails("?test=only")).containsExactly("smoke+positions@" + DOMAIN);
            assertThat(exportedCsv("?test=include")).contains("smoke+positions@" + DOMAIN).contains("first@people.test");
            deleteTestSignup(testId);
        }

        @Test
        void gets_its_confirmation_and_nothing_more_and_never_joins_the_line() {
            String email = "smoke+onlyonemail@" + DOMAIN;
            long testId = createTestSignup(email, "instant"); // even where confirmation is not required
            String confirmLink = stack.awaitMailTo(email, "Confirm").links().stream()
                    .filter(link -> link.contains("/confirm?")).findFirst().orElseThrow();
            String token = confirmLink.substring(confirmLink.indexOf("token=") + 6);

            assertThat(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "\"}").status())
                    .isEqualTo(410);
            // the public signing up the same address, past the resend cooldown, asks for a reminder: none is sent
            stack.db().update(SIGNUP)
                    .set(SIGNUP.LAST_MAILED_AT, OffsetDateTime.now().minusDays(2))
                    .where(SIGNUP.ID.eq(testId))
                    .execute();
            assertThat(stack.http().postJson("/api/v1/waitlists/instant/signups", "{\"email\": \"" + email + "\"}")
                    .status()).isEqualTo(202);

            // nor does an admin's resend
            assertThat(admin(writeToken, "POST", "/api/v1/admin/signups/" + testId + "/resend-confirmation", null)
                    .status()).isEqualTo(409);

            var row = stack.db().fetchSingle(SIGNUP, SIGNUP.ID.eq(testId));
            assertThat(row.getConfirmedAt()).isNull();
            assertThat(row.getPositionKey()).isNull();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.SIGNUP_ID.eq(testId))).isEqualTo(1);
            deleteTestSignup(testId);
        }

        @Test
        void earns_no_referral_credit_for_anyone() {
            long testId = createTestSignup("smoke+referrer@" + DOMAIN, "instant");
            // its own code ("smoke-<hex>") does not even pass the public form's code check; give it one that
            // would, so that the second guard - a test signup is never a referrer - is what is tested
            assertThat(stack.db().fetchSingle(SIGNUP, SIGNUP.ID.eq(testId)).getReferralCode()).startsWith("smoke-");
            String code = "smokeref1234";
            stack.db().update(SIGNUP).set(SIGNUP.REFERRAL_CODE, code).where(SIGNUP.ID.eq(testId)).execute();

            assertThat(stack.http().postJson("/api/v1/waitlists/instant/signups",
                    "{\"email\": \"referee@people.test\", \"referral_code\": \"" + code + "\"}").status()).isEqualTo(202);

            var referee = stack.db().fetchSingle(SIGNUP, SIGNUP.EMAIL.eq("referee@people.test"));
            assertThat(referee.getReferredBy()).isNull();
            assertThat(stack.db().fetchSingle(SIGNUP, SIGNUP.ID.eq(testId)).getConfirmedReferrals()).isZero();
            deleteTestSignup(testId);
        }
    }

    @Nested
    class ThePublic {
        @Test
        void cannot_mark_a_signup_as_a_test_through_the_signup_form() {
            Http.Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"sneaky@people.test\", \"is_test\": true}");

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().at("/error/fields/is_test").asText()).isNotEmpty();
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("sneaky@people.test"))).isZero();
        }

        @Test
        void cannot_create_a_test_signup_without_a_write_token() {
            String body = "{\"waitlist\": \"launch\", \"email\": \"smoke+public@" + DOMAIN + "\"}";

            assertThat(admin(null, "POST", "/api/v1/admin/smoke-signups", body).status()).isEqualTo(401);
            assertThat(admin(readToken, "POST", "/api/v1/admin/smoke-signups", body).status()).isEqualTo(403);
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("smoke+public@" + DOMAIN))).isZero();
        }

        @Test
        void the_smoke_routes_never_show_or_delete_a_real_signup() {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"real@people.test\"}");
            long realId = stack.db().fetchSingle(SIGNUP, SIGNUP.EMAIL.eq("real@people.test")).getId();

            assertThat(admin(readToken, "GET", "/api/v1/admin/smoke-signups/" + realId, null).status()).isEqualTo(404);
            assertThat(admin(writeToken, "DELETE", "/api/v1/admin/smoke-signups/" + realId, null).status()).isEqualTo(404);
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.ID.eq(realId))).isEqualTo(1);
        }

        @Test
        void a_bad_create_request_is_a_422_naming_the_fields() {
            Http.Response response = admin(writeToken, "POST", "/api/v1/admin/smoke-signups",
                    "{\"waitlist\": \"launch\", \"email\": \"not an address\", \"extra\": 1}");

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().at("/error/fields/email").asText()).isNotEmpty();
            assertThat(response.json().at("/error/fields/extra").asText()).isNotEmpty();
        }
    }

    // --- helpers ---

    record Run(int exitCode, String out, String err) {
    }

    private static Run smoke(TestStack target, Map<String, String> env, String... extra) {
        Map<String, String> withDomain = new HashMap<>(env);
        withDomain.put("SMOKE_EMAIL_DOMAIN", DOMAIN);
        List<String> args = new ArrayList<>(List.of("smoke", "--base-url", target.http().base(), "--timeout", "10s"));
        // a later option of the same name replaces the default above
        for (int i = 0; i + 1 < extra.length; i += 2) {
            int at = args.indexOf(extra[i]);
            if (at >= 0) {
                args.set(at + 1, extra[i + 1]);
            } else {
                args.addAll(List.of(extra[i], extra[i + 1]));
            }
        }
        if (!args.contains("--waitlist")) {
            args.addAll(List.of("--waitlist", "launch"));
        }
        return run(withDomain, args.toArray(String[]::new));
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.smoke(args, new EnvironmentVariables(env), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String issueToken(TestStack target, String name, String scope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.adminToken(new String[]{"admin-token", "create", "--name", name, "--scope", scope},
                new EnvironmentVariables(target.env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }

    private static Http.Response admin(String token, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.http().base() + path))
                .header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return stack.http().send(request);
    }

    private static long createTestSignup(String email, String waitlist) {
        Http.Response created = admin(writeToken, "POST", "/api/v1/admin/smoke-signups",
                "{\"waitlist\": \"" + waitlist + "\", \"email\": \"" + email + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private static void deleteTestSignup(long id) {
        assertThat(admin(writeToken, "DELETE", "/api/v1/admin/smoke-signups/" + id, null).status()).isEqualTo(204);
    }

    /** Signs up on the waitlist without confirmation (in line at once); returns the status token. */
    private static String joinInstantList(String email) {
        assertThat(stack.http().postJson("/api/v1/waitlists/instant/signups", "{\"email\": \"" + email + "\"}").status())
                .isEqualTo(202);
        String status = stack.awaitMailTo(email, "You're #").links().stream()
                .filter(link -> link.contains("/status?")).findFirst().orElseThrow();
        return status.substring(status.indexOf("token=") + 6);
    }

    private static List<String> listedEmails(String query) {
        Http.Response page = admin(readToken, "GET", "/api/v1/admin/signups" + query, null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return StreamSupport.stream(page.json().get("items").spliterator(), false)
                .map(item -> item.get("email").asText())
                .toList();
    }

    private static String exportedCsv(String query) {
        Http.Response export = admin(readToken, "GET", "/api/v1/admin/signups/export" + query, null);
        assertThat(export.status()).isEqualTo(200);
        return export.body();
    }
}
