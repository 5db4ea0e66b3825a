package dev.launchline.drills;

import dev.launchline.support.Http;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rotations of runbooks/rotate-secrets.md, as an operator does them: the same database, the
 * service restarted with the new value and the old one as *_PREVIOUS (the grace period), then
 * restarted without the old one. During the grace period nothing that used the old value is
 * refused; after it, the old value is.
 */
class SecretRotationDrillTest {
    private static final String KEY_OLD = "signing-old-Qm3vX8zL2pR7tW9yB4nK6cJ1";
    private static final String KEY_NEW = "signing-new-Hd5sF1gA8uE3oI6rT0wZ9xV2";
    private static final String LOCK_OLD = "lock-old-Zr4Wq8Lm1Xn6Tb9Vc2Hd5Jp7Ks3";
    private static final String LOCK_NEW = "lock-new-Mx8Qv2Lr6Tn1Wz5Bc9Hj4Pd7Gf0";
    private static final String METRICS_OLD = "metrics-old-Bn5Qw8Zx1Cv4Mk7Lp2Rt9Yh3";
    private static final String METRICS_NEW = "metrics-new-Kt2Vb6Nq9Wx3Lz7Pc1Hm5Rd8";

    @Test
    void signing_key_links_issued_before_the_rotation_work_during_the_grace_period_and_stop_after_it() {
        Map<String, String> database = Map.of("DATABASE_URL", TestDatabases.fresh());
        String adaLink;
        String bobLink;
        try (TestStack before = TestStack.start(with(database, "TOKEN_SIGNING_KEY", KEY_OLD))) {
            adaLink = signUpAndTakeTheConfirmationToken(before, "ada@rocket-users.test");
            bobLink = signUpAndTakeTheConfirmationToken(before, "bob@rocket-users.test");
        }
        try (TestStack grace = TestStack.start(with(database, "TOKEN_SIGNING_KEY", KEY_NEW,
                "TOKEN_SIGNING_KEY_PREVIOUS", KEY_OLD))) {
            assertThat(confirm(grace, adaLink).status()).as("an old link during the grace period").isEqualTo(200);
        }
        try (TestStack after = TestStack.start(with(database, "TOKEN_SIGNING_KEY", KEY_NEW))) {
            Http.Response late = confirm(after, bobLink);
            assertThat(late.status()).as("an old link after the grace period").isBetween(400, 499);
            assertThat(after.db().fetchCount(SIGNUP, SIGNUP.CONFIRMED_AT.isNotNull())).isEqualTo(1);
        }
        System.out.println("drill signing-key-rotation: old link confirmed during the grace period, refused after it");
    }

    @Test
    void origin_lock_and_metrics_token_both_values_are_accepted_while_the_clients_switch() {
        Map<String, String> database = Map.of("DATABASE_URL", TestDatabases.fresh());
        int refused = 0;
        try (TestStack grace = TestStack.start(with(database, "ORIGIN_LOCK_SECRET", LOCK_NEW,
                "ORIGIN_LOCK_SECRET_PREVIOUS", LOCK_OLD, "METRICS_TOKEN", METRICS_NEW, "METRICS_TOKEN_PREVIOUS", METRICS_OLD))) {
            for (int i = 0; i < 10; i++) { // the edge and Prometheus switch over, request by request
                String lock = i < 5 ? LOCK_OLD : LOCK_NEW;
                String metrics = i < 5 ? METRICS_OLD : METRICS_NEW;
                refused += grace.http().postJson("/api/v1/waitlists/launch/signups",
                        "{\"email\": \"switch" + i + "@rocket-users.test\"}", "X-Origin-Lock", lock).status() == 202 ? 0 : 1;
                refused += grace.http().request("GET", "/metrics", "Authorization", "Bearer " + metrics).status() == 200 ? 0 : 1;
            }
            assertThat(refused).isZero();
        }
        try (TestStack after = TestStack.start(with(database, "ORIGIN_LOCK_SECRET", LOCK_NEW, "METRICS_TOKEN", METRICS_NEW))) {
            assertThat(after.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"late@rocket-users.test\"}",
                    "X-Origin-Lock", LOCK_OLD).status()).isEqualTo(403);
            assertThat(after.http().request("GET", "/metrics", "Authorization", "Bearer " + METRICS_OLD).status()).isEqualTo(401);
            assertThat(after.http().request("GET", "/metrics", "Authorization", "Bearer " + METRICS_NEW).status()).isEqualTo(200);
        }
        System.out.println("drill origin-lock-and-metrics-rotation: 20 requests during the switch, " + refused + " refused");
    }

    private static String signUpAndTakeTheConfirmationToken(TestStack stack, String email) {
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + email + "\"}").status())
                .isEqualTo(202);
        String link = stack.awaitMailTo(email, "Confirm").links().stream()
                .filter(candidate -> candidate.contains("/confirm?")).findFirst().orElseThrow();
        return link.substring(link.indexOf("token=") + 6);
    }

    private static Http.Response confirm(TestStack stack, String token) {
        return stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "\"}");
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> env = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
