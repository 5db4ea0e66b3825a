package dev.launchline.token;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens that carry a valid signature but a payload the service never issues (someone holding
 * the key, or a format from another release): bad input like any other, never a 500.
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

    /** The format TokenSigner issues: base64url(payload) "." base64url(HMAC-SHA256(payload)). */
    private static String signed(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            return base64.encodeToString(bytes) + "." + base64.encodeToString(mac.doFinal(bytes));
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
