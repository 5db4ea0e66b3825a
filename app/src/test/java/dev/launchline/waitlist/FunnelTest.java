package dev.launchline.waitlist;

import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole waitlist funnel over real HTTP, a real database and a real SMTP server. */
class FunnelTest {
    private static TestStack stack;

    @BeforeAll
    static void start() {
        stack = TestStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void signup_confirm_status_referral_and_one_click_unsubscribe() {
        // positions are absolute, so this story gets a waitlist (a database) of its own; every request
        // here comes from 127.0.0.1, so the same-network referral rule is off (ReferralFraudTest covers it)
        try (TestStack own = TestStack.start(Map.of("REFERRAL_SAME_IP_WINDOW_HOURS", "0"))) {
            TestStack shared = stack;
            stack = own;
            try {
                fullStory(own.http());
            } finally {
                stack = shared;
            }
        }
    }

    private void fullStory(Http http) {
        String ada = signUpAndConfirm("ada@rocket-users.test", null);
        String bob = signUpAndConfirm("bob@rocket-users.test", null);
        String cyd = signUpAndConfirm("cyd@rocket-users.test", null);
        assertThat(http.get("/api/v1/status?token=" + cyd).json().get("position").asInt()).isEqualTo(3);

        // Dee joins through Cyd's referral link and confirms: Cyd moves up 5 places, to the front
        String referralLink = http.get("/api/v1/status?token=" + cyd).json().get("referral_link").asText();
        assertThat(referralLink).startsWith("https://rocket.test/?ref=");
        String code = referralLink.substring(referralLink.indexOf("ref=") + 4);
        signUpAndConfirm("dee@rocket-users.test", code);

        var cydStatus = http.get("/api/v1/status?token=" + cyd).json();
        assertThat(cydStatus.get("position").asInt()).isEqualTo(1);
        assertThat(cydStatus.get("referrals").asInt()).isEqualTo(1);
        assertThat(cydStatus.get("confirmed_total").asInt()).isEqualTo(4);
        assertThat(http.get("/api/v1/status?token=" + ada).json().get("position").asInt()).isEqualTo(2);
        assertThat(http.get("/api/v1/status?token=" + bob).json().get("position").asInt()).isEqualTo(3);
        assertThat(http.getHtml("/status?token=" + cyd).body()).contains("<p class=\"big\" id=\"position\">1</p>");

        // RFC 8058 one-click: the mailbox provider POSTs the List-Unsubscribe URL with this body
        CapturedMail welcome = stack.awaitMailTo("ada@rocket-users.test", "You're #");
        assertThat(welcome.listUnsubscribePost()).isEqualTo("List-Unsubscribe=One-Click");
        String unsubscribeUrl = welcome.listUnsubscribe().replaceAll("^<|>$", "");
        Http.Response unsubscribed = http.postForm(unsubscribeUrl, "List-Unsubscribe=One-Click");
        assertThat(unsubscribed.status()).isEqualTo(200);
        assertThat(http.get("/api/v1/status?token=" + ada).json().get("unsubscribed").asBoolean()).isTrue();
        assertThat(stack.db().fetchValue(SIGNUP.UNSUBSCRIBED_AT, SIGNUP.EMAIL.eq("ada@rocket-users.test"))).isNotNull();
    }

    @Test
    void a_get_of_the_confirmation_link_never_confirms() {
        stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"scanned@rocket-users.test\"}");
        CapturedMail mail = stack.awaitMailTo("scanned@rocket-users.test", "Confirm");
        String confirmLink = link(mail, "/confirm");

        // what a mail security scanner does: fetch every link, twice
        Http.Response page = stack.http().getHtml(confirmLink);
        stack.http().get(confirmLink);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/confirm\">");
        assertThat(stack.db().fetchValue(SIGNUP.CONFIRMED_AT, SIGNUP.EMAIL.eq("scanned@rocket-users.test"))).isNull();

        // the page's button posts the token as a form: that confirms
        String token = confirmLink.substring(confirmLink.indexOf("token=") + 6);
        assertThat(stack.http().postForm("/confirm", "token=" + token).status()).isEqualTo(200);
        assertThat(stack.db().fetchValue(SIGNUP.CONFIRMED_AT, SIGNUP.EMAIL.eq("scanned@rocket-users.test"))).isNotNull();
    }

    @Test
    void a_confirmation_link_is_single_use() {
        stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"twice@rocket-users.test\"}");
        String link = link(stack.awaitMailTo("twice@rocket-users.test", "Confirm"), "/confirm");
        String token = link.substring(link.indexOf("token=") + 6);
        String body = "{\"token\": \"" + token + "\"}";

        assertThat(stack.http().postJson("/api/v1/confirmations", body).json().get("status").asText()).isEqualTo("confirmed");
        assertThat(stack.http().postJson("/api/v1/confirmations", body).json().get("status").asText())
                .isEqualTo("already_confirmed");
        stack.awaitMailTo("twice@rocket-users.test", "You're #");
        assertThat(stack.mailTo("twice@rocket-users.test")).hasSize(2); // confirmation + one welcome, not two
    }

    @Test
    void an_html_form_post_is_redirected_to_the_thank_you_page() {
        Http.Response response = stack.http().postForm("/api/v1/waitlists/instant/signups",
                "email=form-user%40rocket-users.test&name=Zo%C3%AB");
        assertThat(response.status()).isEqualTo(303);
        assertThat(response.header("Location")).isEqualTo("https://instant.test/thanks");
        // this waitlist needs no confirmation: the welcome mail with the position comes straight away
        CapturedMail welcome = stack.awaitMailTo("form-user@rocket-users.test", "You're #1 on the Instant");
        assertThat(welcome.text()).contains("Hi Zoë");
    }

    @Test
    void erase_me_deletes_the_person_and_their_queued_mail() {
        String status = signUpAndConfirm("erase-me@rocket-users.test", null);
        String unsubscribeUrl = stack.awaitMailTo("erase-me@rocket-users.test", "You're #").listUnsubscribe()
                .replaceAll("^<|>$", "");
        String token = unsubscribeUrl.substring(unsubscribeUrl.indexOf("token=") + 6);

        assertThat(stack.http().postJson("/api/v1/erasure", "{\"token\": \"" + token + "\"}").status()).isEqualTo(200);
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("erase-me@rocket-users.test"))).isZero();
        assertThat(stack.http().get("/api/v1/status?token=" + status).status()).isEqualTo(410);
    }

    /** Signs up, confirms through the emailed link, returns the status token. */
    private static String signUpAndConfirm(String email, String referralCode) {
        String body = referralCode == null
                ? "{\"email\": \"" + email + "\"}"
                : "{\"email\": \"" + email + "\", \"referral_code\": \"" + referralCode + "\"}";
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", body).status()).isEqualTo(202);
        String confirm = link(stack.awaitMailTo(email, "Confirm your spot"), "/confirm");
        String token = confirm.substring(confirm.indexOf("token=") + 6);
        assertThat(stack.http().postForm("/confirm", "token=" + token).status()).isEqualTo(200);
        String status = link(stack.awaitMailTo(email, "You're #"), "/status");
        return status.substring(status.indexOf("token=") + 6);
    }

    static String link(CapturedMail mail, String path) {
        return mail.links().stream().filter(link -> link.contains(path + "?")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + path + " link in " + mail.text()));
    }
}
