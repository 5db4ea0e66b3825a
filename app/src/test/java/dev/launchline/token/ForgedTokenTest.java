package dev.launchline.token;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens over HTTP: the ones in emails are sealed (they reveal no signup id), links mailed before
 * sealing still work, and tokens that carry a valid signature but a payload the service never
 * issues (someone holding the key, or a format from another release) are bad input like any
 * other, never a 500.
 */
class ForgedTokenTest {
    private static final String KEY = "forged-token-test-key-Kq8vX2mZ7rT4wY9pL3nB6cJ1";
    private static TestStack stack;

    @BeforeAll
    static void start() {
        stack = TestStack.start(Map.of("TOKEN_SIGNING_KEY", KEY));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s:abc:0", "s:99999999999999999999:0", "s:1:soon", "s:-:", "s:1:99999999999999999999"})
    void a_well_signed_status_token_with_a_malformed_payload_is_refused_as_invalid(String payload) {
        Http.Response response = stack.http().get("/api/v1/status?token="
                + URLEncoder.encode(signed(payload), StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.json().at("/error/code").asText()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"c:abc:0", "c:1:soon", "c:18446744073709551616:0"})
    void a_well_signed_confirmation_token_with_a_malformed_payload_is_refused_as_invalid(String payload) {
        Http.Response response = stack.http().postJson("/api/v1/confirmations",
                "{\"token\": \"" + signed(payload) + "\"}");

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.json().at("/error/code").asText()).isNotEmpty();
    }

    @Test
    void the_links_in_emails_carry_sealed_tokens_and_links_from_before_sealing_still_work() {
        stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"sealed@rocket-users.test\"}");
        String link = stack.awaitMailTo("sealed@rocket-users.test", "Confirm").links().stream()
                .filter(candidate -> candidate.contains("/confirm?")).findFirst().orElseThrow();
        String token = link.substring(link.indexOf("token=") + 6);
        long id = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq("sealed@rocket-users.test"));

        assertThat(token).doesNotContain(".");
        assertThat(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.ISO_8859_1))
                .doesNotContain("c:" + id);
        assertThat(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "\"}").status())
                .isEqualTo(200);
        // a status link mailed before this release, in the old readable format
        Http.Response status = stack.http().get("/api/v1/status?token=" + signed("s:" + id + ":0"));
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        assertThat(status.json().get("position").asInt()).isEqualTo(1);
    }

    /** The format TokenSigner issued before tokens were sealed: base64url(payload) "." base64url(HMAC). */
    private static String signed(String payload) {
        return TokenSignerTest.legacy(KEY, payload);
    }
}
