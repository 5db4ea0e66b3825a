package dev.launchline.email;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EmailAddressTest {

    @ParameterizedTest
    @CsvSource({
            "Ada@Example.COM,          Ada@example.com,              ada@example.com",
            "'  ada@example.com  ',    ada@example.com,              ada@example.com",
            "o'brien+news@example.co.uk, o'brien+news@example.co.uk, o'brien+news@example.co.uk",
            "user@bücher.example,      user@xn--bcher-kva.example,   user@xn--bcher-kva.example",
            "USER@ＥＸＡＭＰＬＥ.com,   USER@example.com,             user@example.com",
            "first.last@gmail.com,     first.last@gmail.com,         first.last@gmail.com"})
    void valid_addresses_are_normalized(String raw, String address, String key) {
        EmailAddress email = EmailAddress.parse(raw, false).orElseThrow();
        assertThat(email.address()).isEqualTo(address);
        assertThat(email.key()).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@example.com", "a..b@example.com",
            ".a@example.com", "a.@example.com", "a@-example.com", "a@example-.com", "a@example..com", "a@example.com.",
            "a@[127.0.0.1]", "a@127.0.0.1", "\"quoted\"@example.com", "a(comment)@example.com", "a@exa mple.com",
            "ünïcode@example.com", "a@example.com\nb", "a\u0000@example.com"})
    void invalid_addresses_are_refused(String raw) {
        assertThat(EmailAddress.parse(raw, false)).isEmpty();
    }

    @Test
    void length_limits_follow_rfc_5321() {
        String local64 = "a".repeat(64);
        assertThat(EmailAddress.parse(local64 + "@example.com", false)).isPresent();
        assertThat(EmailAddress.parse("a" + local64 + "@example.com", false)).isEmpty();
        String label = "d".repeat(63);
        String longDomain = label + "." + label + "." + label + "." + "d".repeat(50) + ".com"; // 248 chars
        assertThat(EmailAddress.parse("ab@" + longDomain, false)).isPresent();
        assertThat(EmailAddress.parse("abcdefgh@" + longDomain, false)).isEmpty(); // 257 > 254 total
        assertThat(EmailAddress.parse("a@" + "d".repeat(64) + ".com", false)).isEmpty();
    }

    @Test
    void gmail_dots_and_tags_fold_only_when_asked() {
        assertThat(EmailAddress.parse("First.Last+promo@googlemail.com", true).orElseThrow().key())
                .isEqualTo("firstlast@gmail.com");
        assertThat(EmailAddress.parse("first.last+promo@gmail.com", false).orElseThrow().key())
                .isEqualTo("first.last+promo@gmail.com");
        assertThat(EmailAddress.parse("first.last@example.com", true).orElseThrow().key())
                .isEqualTo("first.last@example.com");
    }
}
