package dev.launchline.waitlist;

import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Same email twice: one row, one mail per cooldown, and an answer that reveals nothing. */
class RepeatSignupTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();

    @Test
    void repeat_signup_is_one_row_and_sends_no_second_mail_within_cooldown() {
        Http.Response first = signUp("Repeat@Rocket-Users.test");
        Http.Response second = signUp("repeat@rocket-users.TEST");
        stack.awaitMailTo("Repeat@rocket-users.test", "Confirm");
        stack.awaitOutboxDelivered(); // a wrongly queued second mail has arrived by now too

        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL_KEY.eq("repeat@rocket-users.test"))).isEqualTo(1);
        assertThat(stack.mail().stream().filter(m -> m.to().get(0).equalsIgnoreCase("repeat@rocket-users.test")))
                .hasSize(1);
        assertThat(second.status()).isEqualTo(first.status());
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void the_answer_is_the_same_for_new_pending_and_confirmed_addresses() {
        Http.Response brandNew = signUp("enum-new@rocket-users.test");
        Http.Response pending = signUp("enum-new@rocket-users.test");
        String link = FunnelTest.link(stack.awaitMailTo("enum-new@rocket-users.test", "Confirm"), "/confirm");
        stack.http().postForm("/confirm", "token=" + link.substring(link.indexOf("token=") + 6));
        Http.Response confirmed = signUp("enum-new@rocket-users.test");

        for (Http.Response response : List.of(pending, confirmed)) {
            assertThat(response.status()).isEqualTo(brandNew.status()).isEqualTo(202);
            assertThat(response.body()).isEqualTo(brandNew.body());
            assertThat(response.raw().headers().map().keySet())
                    .containsExactlyInAnyOrderElementsOf(brandNew.raw().headers().map().keySet());
        }
    }

    @Test
    void concurrent_signups_of_one_address_make_one_row_and_one_mail() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Http.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            responses.add(pool.submit(() -> signUp("race@rocket-users.test")));
        }
        for (Future<Http.Response> response : responses) {
            assertThat(response.get().status()).isEqualTo(202);
        }
        pool.shutdown();
        long signupId = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL_KEY.eq("race@rocket-users.test"));
        assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.SIGNUP_ID.eq(signupId))).isEqualTo(1);
    }

    @Test
    void after_the_cooldown_a_repeat_signup_gets_its_confirmation_again() {
        try (TestStack noCooldown = TestStack.start(java.util.Map.of("RESEND_COOLDOWN_SECONDS", "0"))) {
            String body = "{\"email\": \"lost-mail@rocket-users.test\"}";
            noCooldown.http().postJson("/api/v1/waitlists/launch/signups", body);
            noCooldown.awaitMailTo("lost-mail@rocket-users.test", "Confirm");
            noCooldown.http().postJson("/api/v1/waitlists/launch/signups", body);
            noCooldown.awaitMail(m -> noCooldown.mailTo("lost-mail@rocket-users.test").size() == 2);
            assertThat(noCooldown.db().fetchCount(SIGNUP)).isEqualTo(1);
        }
    }

    @Test
    void gmail_dots_are_distinct_addresses_unless_the_waitlist_folds_them() {
        signUp("first.last@gmail.com");
        signUp("firstlast@gmail.com");
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL_KEY.like("%last@gmail.com"))).isEqualTo(2);
    }

    private static Http.Response signUp(String email) {
        return stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + email + "\"}");
    }
}
