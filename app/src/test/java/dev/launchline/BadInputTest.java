package dev.launchline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static dev.launchline.db.schema.Tables.LEAD;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The bad-input catalogue: each case gets a 4xx with the one error shape and its documented
 * code, never a 5xx or a stack trace, and writes nothing.
 */
class BadInputTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();

    static Stream<Arguments> badBodies() {
        String big = "{\"email\": \"a@b.test\", \"name\": \"" + "x".repeat(20_000) + "\"}";
        return Stream.of(
                arguments("truncated JSON", "application/json", "{\"email\":", 400, "malformed_json"),
                arguments("JSON array", "application/json", "[1, 2]", 400, "malformed_json"),
                arguments("JSON string", "application/json", "\"a@b.test\"", 400, "malformed_json"),
                arguments("empty body", "application/json", "", 400, "malformed_json"),
                arguments("trailing garbage", "application/json", "{\"email\": \"a@b.test\"} x", 400, "malformed_json"),
                arguments("duplicate keys", "application/json", "{\"email\": \"a@b.test\", \"email\": \"c@d.test\"}", 400, "malformed_json"),
                arguments("deep nesting", "application/json", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", 400, "malformed_json"),
                arguments("missing email", "application/json", "{\"name\": \"Ada\"}", 422, "validation_failed"),
                arguments("email as number", "application/json", "{\"email\": 42}", 422, "validation_failed"),
                arguments("email as array", "application/json", "{\"email\": [\"a@b.test\"]}", 422, "validation_failed"),
                arguments("invalid email", "application/json", "{\"email\": \"not an email\"}", 422, "validation_failed"),
                arguments("email with IP literal", "application/json", "{\"email\": \"a@[127.0.0.1]\"}", 422, "validation_failed"),
                arguments("email too long", "application/json", "{\"email\": \"" + "a".repeat(65) + "@b.test\"}", 422, "validation_failed"),
                arguments("unknown field", "application/json", "{\"email\": \"a@b.test\", \"is_admin\": true}", 422, "validation_failed"),
                arguments("unknown custom field", "application/json", "{\"email\": \"a@b.test\", \"custom_fields\": {\"x\": \"1\"}}", 422, "validation_failed"),
                arguments("custom fields not an object", "application/json", "{\"email\": \"a@b.test\", \"custom_fields\": \"x\"}", 422, "validation_failed"),
                arguments("NUL in name", "application/json", "{\"email\": \"a@b.test\", \"name\": \"a\\u0000b\"}", 422, "validation_failed"),
                arguments("lone surrogate", "application/json", "{\"email\": \"a@b.test\", \"name\": \"\\ud800\"}", 422, "validation_failed"),
                arguments("name too long", "application/json", "{\"email\": \"a@b.test\", \"name\": \"" + "n".repeat(201) + "\"}", 422, "validation_failed"),
                arguments("consent not boolean", "application/json", "{\"email\": \"a@b.test\", \"consent\": \"perhaps\"}", 422, "validation_failed"),
                arguments("oversized body", "application/json", big, 413, "payload_too_large"),
                arguments("text/plain", "text/plain", "email=a@b.test", 415, "unsupported_media_type"),
                arguments("multipart", "multipart/form-data; boundary=x", "--x--", 415, "unsupported_media_type"),
                arguments("JSON in latin-1", "application/json; charset=iso-8859-1", "{\"email\": \"a@b.test\"}", 415, "unsupported_media_type"),
                arguments("bad percent escape", "application/x-www-form-urlencoded", "email=%zz", 400, "malformed_body"),
                arguments("repeated form field", "application/x-www-form-urlencoded", "email=a%40b.test&email=c%40d.test", 400, "malformed_body"),
                arguments("form not UTF-8", "application/x-www-form-urlencoded", "email=a%40b.test&name=%FF%FE", 400, "malformed_body"));
    }

    @Nested
    class Signups {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.launchline.BadInputTest#badBodies")
        void are_refused_with_a_stable_error_and_nothing_stored(String name, String contentType, String body,
                                                                 int status, String code) {
            assertRefused(stack.http().post("/api/v1/waitlists/launch/signups", contentType,
                    body.getBytes(StandardCharsets.UTF_8)), status, code);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.launchline.BadInputTest#injections")
        void injection_strings_are_stored_as_plain_text(String value) {
            String email = "inject" + Math.abs(value.hashCode()) + "@rocket-users.test";
            String json = "{\"email\": \"" + email + "\", \"name\": " + jsonString(value) + "}";
            assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", json).status()).isEqualTo(202);
            assertThat(stack.db().fetchValue(SIGNUP.NAME, SIGNUP.EMAIL.eq(email))).isEqualTo(value.strip());
            stack.db().deleteFrom(SIGNUP).where(SIGNUP.EMAIL.eq(email)).execute();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.launchline.BadInputTest#badLeaderboardNames")
        void a_leaderboard_name_that_is_not_a_plain_name_is_refused_naming_the_field(String name, String value) {
            Http.Response response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"a@b.test\", \"leaderboard_name\": " + jsonString(value) + "}");
            assertRefused(response, 422, "validation_failed");
            assertThat(response.json().at("/error/fields/leaderboard_name").asText()).isNotBlank();
        }
    }

    @Nested
    class Leaderboards {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.launchline.BadInputTest#missingLeaderboards")
        void a_waitlist_without_one_or_no_waitlist_at_all_is_a_404_in_the_error_shape(String slug) {
            assertRefused(stack.http().get("/api/v1/waitlists/" + slug + "/leaderboard"), 404, "not_found");
        }
    }

    @Nested
    class Leads {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.launchline.BadInputTest#badBodies")
        void are_refused_with_a_stable_error_and_nothing_stored(String name, String contentType, String body,
                                                                 int status, String code) {
            // a lead also needs a message; give it one so the case tests what it names
            String withMessage = contentType.startsWith("application/json") && body.startsWith("{\"email\"")
                    && !name.contains("duplicate") && !name.contains("trailing") && !name.contains("oversized")
                    ? body.replaceFirst("\\{", "{\"message\": \"hi\", ") : body;
            assertRefused(stack.http().post("/api/v1/forms/contact/submissions", contentType,
                    withMessage.getBytes(StandardCharsets.UTF_8)), status, code);
        }
    }

    @Nested
    class Tokens {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.launchline.BadInputTest#badTokens")
        void tampered_or_garbage_tokens_are_refused(String token) {
            assertRefused(stack.http().postJson("/api/v1/confirmations", "{\"token\": " + jsonString(token) + "}"),
                    400, "invalid_token");
            Http.Response status = stack.http().get("/api/v1/status?token="
                    + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
            assertThat(status.status()).isEqualTo(400);
            assertThat(status.json().at("/error/code").asText()).isEqualTo("invalid_token");
        }
    }

    static Stream<Arguments> badLeaderboardNames() {
        return Stream.of(
                arguments("an email address", "ada@rocket.test"),
                arguments("a fullwidth at sign", "ada＠rocket.test"),
                arguments("a link", "https://spam.example/win"),
                arguments("a bare domain", "cheap-pills.shop"),
                arguments("www", "www.spam"),
                arguments("too long", "n".repeat(41)),
                arguments("a control character", "Ada\u0007"),
                arguments("a right-to-left override", "\u202Eevil"),
                arguments("a zero-width space to slip a domain past", "spam\u200B.shop\u200Bx"));
    }

    static Stream<String> missingLeaderboards() {
        // "instant" exists and has no leaderboard; the answer must not tell the two apart
        return Stream.of("instant", "no-such-waitlist", "%2e%2e");
    }

    static Stream<String> injections() {
        return Stream.of("Robert'); DROP TABLE signup;--", "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x/a}",
                "' OR '1'='1", "😀 Zoë Ünïcødé 名前", "\u202Eevil", "../../etc/passwd");
    }

    static Stream<String> badTokens() {
        String valid = "YzoxOjE3OTU2ODQ2MjY.RR1dleFF8aLAlKXDeTw0dIck0RIjq9GJOMJiyvPR2rU"; // signed with another key
        return Stream.of(valid, valid.substring(0, valid.length() - 2), "abc", "a.b", ".", "..", "%%%",
                "x".repeat(500), "' OR 1=1 --");
    }

    private static void assertRefused(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode error = response.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("fields").isObject()).isTrue();
        assertThat(response.body()).doesNotContain("Exception", "at dev.launchline", "org.jooq");
        assertThat(stack.db().fetchCount(SIGNUP)).isZero();
        assertThat(stack.db().fetchCount(LEAD)).isZero();
        assertThat(stack.db().fetchCount(OUTBOX_EMAIL)).isZero();
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
