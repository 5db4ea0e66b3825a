package dev.launchline.bots;

import dev.launchline.config.Secret;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The referral rules on their own; ReferralFraudTest drives them through HTTP and the database. */
class ReferralGuardTest {
    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-11-23T12:00:00Z");
    private final ReferralGuard guard = new ReferralGuard(Secret.of("key-0123456789abcdef0123456789abcdef"),
            Duration.ofHours(24));

    private static ReferralGuard.Referrer referrer(String emailKey, String networkHash) {
        return new ReferralGuard.Referrer(1, emailKey, networkHash, NOW.minusHours(1));
    }

    @Test
    void plus_tags_and_gmail_dots_are_the_same_mailbox() {
        assertThat(ReferralGuard.mailbox("ann+promo@example.com")).isEqualTo("ann@example.com");
        assertThat(ReferralGuard.mailbox("a.n.n+x@googlemail.com")).isEqualTo("ann@gmail.com");
        assertThat(ReferralGuard.mailbox("a.nn@example.com")).isEqualTo("a.nn@example.com"); // dots matter elsewhere
    }

    @Test
    void a_gmail_dot_variant_of_the_referrer_is_a_self_referral() {
        assertThat(guard.whyNotCredited(referrer("first.last@gmail.com", null), "firstlast+2@gmail.com",
                Optional.empty(), NOW)).contains(ReferralGuard.SELF_REFERRAL);
    }

    @Test
    void an_unknown_network_on_either_side_never_counts_as_the_same_network() {
        assertThat(guard.whyNotCredited(referrer("a@example.com", null), "b@example.com", Optional.empty(), NOW))
                .isEmpty();
        assertThat(guard.whyNotCredited(referrer("a@example.com", null), "b@example.com", Optional.of("h"), NOW))
                .isEmpty();
    }

    @Test
    void a_zero_window_turns_the_same_network_rule_off() {
        ReferralGuard off = new ReferralGuard(Secret.of("key-0123456789abcdef0123456789abcdef"), Duration.ZERO);
        assertThat(off.whyNotCredited(referrer("a@example.com", "h"), "b@example.com", Optional.of("h"), NOW))
                .isEmpty();
        assertThat(guard.whyNotCredited(referrer("a@example.com", "h"), "b@example.com", Optional.of("h"), NOW))
                .contains(ReferralGuard.SAME_NETWORK);
    }
}
