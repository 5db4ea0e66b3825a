package dev.launchline.token;

import dev.launchline.config.Secret;
import dev.launchline.token.TokenSigner.InvalidTokenException;
import dev.launchline.token.TokenSigner.Purpose;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sealed tokens: they round-trip, reveal nothing, bind their purpose, and rotate like the old ones. */
class TokenSignerTest {
    private static final String CURRENT = "current-key-Qm3vX8zL2pR7tW9yB4nK6cJ1";
    private static final String PREVIOUS = "previous-key-Hd5sF1gA8uE3oI6rT0wZ9xV2";
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private final TokenSigner signer = signer(CURRENT, Optional.empty(), NOW);

    @Test
    void a_token_carries_its_subject_and_reveals_nothing_of_it() {
        String first = signer.issue(Purpose.CONFIRM, 1234, Optional.empty());
        String next = signer.issue(Purpose.CONFIRM, 1235, Optional.empty());

        assertThat(signer.verify(Purpose.CONFIRM, first)).isEqualTo(1234);
        assertThat(signer.verify(Purpose.CONFIRM, next)).isEqualTo(1235);
        for (String token : new String[] {first, next}) {
            assertThat(token).doesNotContain(".").matches("[A-Za-z0-9_-]+");
            byte[] bytes = Base64.getUrlDecoder().decode(token);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            String hex = HexFormat.of().formatHex(bytes);
            // the readable format's pieces ("c:1234:0"): three bytes or more, as random ciphertext holds any
            // two given bytes somewhere about once in 1,600 tokens (it did, on CI, with "c:")
            assertThat(text).doesNotContain("123", "c:1");
            assertThat(hex).doesNotContain(HexFormat.of().formatHex(ByteBuffer.allocate(8).putLong(1234).array()),
                    HexFormat.of().formatHex(ByteBuffer.allocate(8).putLong(1235).array()));
        }
        // consecutive subjects give unrelated tokens, and one subject never the same token twice
        assertThat(commonPrefix(first, next)).isLessThan(4);
        assertThat(signer.issue(Purpose.CONFIRM, 1234, Optional.empty())).isNotEqualTo(first);
    }

    @Test
    void a_token_is_good_for_its_own_purpose_only() {
        String status = signer.issue(Purpose.STATUS, 7, Optional.empty());

        assertThatThrownBy(() -> signer.verify(Purpose.UNSUBSCRIBE, status)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> signer.verify(Purpose.CONFIRM, status)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void an_expired_token_is_told_apart_from_a_bad_one() {
        String token = signer.issue(Purpose.CONFIRM, 7, Optional.of(NOW.plus(Duration.ofHours(1))));
        TokenSigner later = signer(CURRENT, Optional.empty(), NOW.plus(Duration.ofHours(2)));

        assertThat(signer.verify(Purpose.CONFIRM, token)).isEqualTo(7);
        assertThatThrownBy(() -> later.verify(Purpose.CONFIRM, token))
                .isInstanceOfSatisfying(InvalidTokenException.class, refused -> assertThat(refused.expired()).isTrue());
    }

    @Test
    void any_altered_byte_makes_the_token_invalid() {
        byte[] bytes = Base64.getUrlDecoder().decode(signer.issue(Purpose.STATUS, 42, Optional.empty()));
        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x01;
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            assertThatThrownBy(() -> signer.verify(Purpose.STATUS, token)).as("byte %d", i)
                    .isInstanceOfSatisfying(InvalidTokenException.class, refused -> assertThat(refused.expired()).isFalse());
        }
        assertThatThrownBy(() -> signer.verify(Purpose.STATUS, "AgAA")).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> signer.verify(Purpose.STATUS, "not base64!")).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void during_a_rotation_tokens_of_the_previous_key_verify_and_others_do_not() {
        TokenSigner before = signer(PREVIOUS, Optional.empty(), NOW);
        TokenSigner rotating = signer(CURRENT, Optional.of(PREVIOUS), NOW);
        TokenSigner stranger = signer("someone-elses-key-Lp4kD9sW2qN7vB1xM6zT3", Optional.empty(), NOW);
        String old = before.issue(Purpose.UNSUBSCRIBE, 99, Optional.empty());

        assertThat(rotating.verify(Purpose.UNSUBSCRIBE, old)).isEqualTo(99);
        assertThatThrownBy(() -> signer.verify(Purpose.UNSUBSCRIBE, old)).as("after the rotation ends")
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> rotating.verify(Purpose.UNSUBSCRIBE, stranger.issue(Purpose.UNSUBSCRIBE, 99, Optional.empty())))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void links_issued_before_tokens_were_sealed_keep_working_under_the_same_keys() {
        TokenSigner rotating = signer(CURRENT, Optional.of(PREVIOUS), NOW);

        assertThat(signer.verify(Purpose.STATUS, legacy(CURRENT, "s:1234:0"))).isEqualTo(1234);
        assertThat(rotating.verify(Purpose.UNSUBSCRIBE, legacy(PREVIOUS, "u:77:0"))).isEqualTo(77);
        assertThatThrownBy(() -> signer.verify(Purpose.CONFIRM, legacy(CURRENT, "s:1234:0")))
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> signer.verify(Purpose.STATUS, legacy(PREVIOUS, "s:1234:0")))
                .isInstanceOf(InvalidTokenException.class);
    }

    private static TokenSigner signer(String key, Optional<String> previous, Instant now) {
        return new TokenSigner(Secret.of(key), previous.map(Secret::of), Clock.fixed(now, ZoneOffset.UTC));
    }

    /** The format issued before: base64url(payload) "." base64url(HMAC-SHA256(payload)). */
    static String legacy(String key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            return base64.encodeToString(bytes) + "." + base64.encodeToString(mac.doFinal(bytes));
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
