package dev.launchline.bots;

import dev.launchline.config.Secret;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import dev.launchline.token.TokenSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Referral credit goes only to real referrals: confirmed, from someone else, from another
 * network. The service sits behind a trusted proxy here, so each request's client address is
 * the CF-Connecting-IP the test sends.
 */
class ReferralFraudTest {
    private static final int BOOST = 5; // the launch waitlist's referral_boost in TestStack

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of(
            "TRUSTED_PROXIES", "127.0.0.1/32", "REFERRAL_SAME_IP_WINDOW_HOURS", "24"));

    private static void signUp(String email, String clientIp, String referralCode) {
        String body = "{\"email\": \"" + email + "\""
                + (referralCode == null ? "" : ", \"referral_code\": \"" + referralCode + "\"") + "}";
        Http.Response answer = stack.http().postJsonFrom(clientIp, "/api/v1/waitlists/launch/signups", body);
        assertThat(answer.status()).isEqualTo(202); // a suspect referral never blocks the signup itself
    }

    private static void confirm(String email) {
        TokenSigner signer = new TokenSigner(Secret.of(TestStack.SIGNING_KEY), Optional.empty(), Clock.systemUTC());
        String token = signer.issue(TokenSigner.Purpose.CONFIRM, row(email).getId(), Optional.empty());
        assertThat(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "\"}").status())
                .isEqualTo(200);
    }

    private static SignupRecord row(String email) {
        return stack.db().selectFrom(SIGNUP).where(SIGNUP.EMAIL.eq(email)).fetchSingle();
    }

    /** Signs the referrer up and confirms them; returns their referral code. */
    private static String confirmedReferrer(String email, String clientIp) {
        signUp(email, clientIp, null);
        confirm(email);
        return row(email).getReferralCode();
    }

    @Test
    void a_referral_from_another_network_credits_the_referrer_only_once_it_is_confirmed() {
        String code = confirmedReferrer("rita@rocket-users.test", "203.0.113.1");
        long keyBefore = row("rita@rocket-users.test").getPositionKey();

        signUp("friend@rocket-users.test", "198.51.100.1", code);
        assertThat(row("rita@rocket-users.test").getConfirmedReferrals()).isZero(); // not confirmed yet

        confirm("friend@rocket-users.test");
        SignupRecord rita = row("rita@rocket-users.test");
        assertThat(rita.getConfirmedReferrals()).isOne();
        assertThat(rita.getPositionKey()).isEqualTo(keyBefore - BOOST);
        assertThat(row("friend@rocket-users.test").getReferralNotCredited()).isNull();
    }

    @Test
    void a_self_referral_under_a_plus_tag_is_accepted_but_never_credited() {
        String code = confirmedReferrer("sam@rocket-users.test", "203.0.113.10");

        signUp("Sam+again@rocket-users.test", "198.51.100.10", code);
        confirm("Sam+again@rocket-users.test");

        SignupRecord again = row("Sam+again@rocket-users.test");
        assertThat(again.getConfirmedAt()).isNotNull();
        assertThat(again.getReferredBy()).isEqualTo(row("sam@rocket-users.test").getId());
        assertThat(again.getReferralNotCredited()).isEqualTo(ReferralGuard.SELF_REFERRAL);
        assertThat(row("sam@rocket-users.test").getConfirmedReferrals()).isZero();
    }

    @Test
    void a_referral_from_the_referrers_ip_within_the_window_is_not_credited() {
        String code = confirmedReferrer("ivy@rocket-users.test", "203.0.113.20");

        signUp("sock-puppet@rocket-users.test", "203.0.113.20", code);
        confirm("sock-puppet@rocket-users.test");

        assertThat(row("sock-puppet@rocket-users.test").getReferralNotCredited()).isEqualTo(ReferralGuard.SAME_NETWORK);
        assertThat(row("ivy@rocket-users.test").getConfirmedReferrals()).isZero();
    }

    @Test
    void a_referral_from_another_address_in_the_referrers_ipv6_64_is_not_credited() {
        String code = confirmedReferrer("six@rocket-users.test", "2001:db8:1:2::1");

        signUp("six-puppet@rocket-users.test", "2001:db8:1:2:aaaa::99", code);
        confirm("six-puppet@rocket-users.test");

        assertThat(row("six@rocket-users.test").getConfirmedReferrals()).isZero();
    }

    @Test
    void a_referral_from_the_same_ip_after_the_window_is_credited() {
        String code = confirmedReferrer("olga@rocket-users.test", "203.0.113.30");
        stack.db().update(SIGNUP)
                .set(SIGNUP.CREATED_AT, row("olga@rocket-users.test").getCreatedAt().minus(Duration.ofHours(25)))
                .where(SIGNUP.EMAIL.eq("olga@rocket-users.test"))
                .execute();

        signUp("flatmate@rocket-users.test", "203.0.113.30", code);
        confirm("flatmate@rocket-users.test");

        assertThat(row("olga@rocket-users.test").getConfirmedReferrals()).isOne();
    }

    @Test
    void only_a_keyed_hash_of_the_network_is_stored_never_the_address() {
        signUp("private-ip@rocket-users.test", "203.0.113.77", null);

        assertThat(row("private-ip@rocket-users.test").getClientNetworkHash()).matches("[0-9a-f]{64}");
        String everyRow = stack.db().fetchSingle("select string_agg(s::text, ' ') from signup s").get(0, String.class);
        assertThat(everyRow).doesNotContain("203.0.113", "2001:db8");
    }
}
