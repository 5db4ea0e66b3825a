package dev.launchline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.lead.LeadService;
import dev.launchline.support.Http;
import dev.launchline.waitlist.WaitlistEmails;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person's data, whole: the admin export of everything stored about one address, and erasure
 * that leaves other people's referral counts as they were. Real service, database and SMTP.
 */
class PersonExportTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(() -> {
        Map<String, String> env = new HashMap<>(AdminClient.TRUSTING_LOCALHOST);
        env.put("REFERRAL_SAME_IP_WINDOW_HOURS", "0"); // every request here comes from one address
        env.put("FUNNELS", """
                {"waitlists": [{"slug": "launch", "name": "Rocket", "public_url": "https://rocket.test/",
                                "consent_version": "privacy-2026-11"}],
                 "forms": [{"slug": "contact", "recipients": ["sales@rocket.test"]}]}""");
        return env;
    });
    private static AdminClient admin;
    private static String read;
    private static String write;

    @BeforeAll
    static void issueTokens() {
        admin = new AdminClient(stack.testStack());
        read = admin.issue("dsar-read", "read");
        write = admin.issue("dsar-write", "write");
    }

    @Test
    void the_export_holds_a_persons_signups_referrals_leads_and_mail_and_no_one_elses_address() {
        String adaStatus = signUpAndConfirm("ada@export.test", null);
        String code = stack.http().get("/api/v1/status?token=" + adaStatus).json().get("referral_link").asText()
                .replaceAll(".*ref=", "");
        signUpAndConfirm("bob@export.test", code);
        assertThat(stack.http().postJson("/api/v1/forms/contact/submissions",
                "{\"email\": \"Ada@Export.test\", \"message\": \"Do you do invoices?\"}").status()).isEqualTo(202);

        Http.Response response = admin.get(read, "/api/v1/admin/people/export?email=ADA%40export.test");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        JsonNode export = response.json();
        JsonNode consent = export.at("/signups/0/consent");
        assertThat(consent.get("given").asBoolean()).isTrue();
        assertThat(consent.get("version").asText()).isEqualTo("privacy-2026-11");
        assertThat(consent.get("origin").asText()).isEqualTo("https://rocket.test");
        assertThat(consent.get("address_hash").asText()).matches("[0-9a-f]{64}").doesNotContain("198.51");
        assertThat(consent.get("confirmed_at").asText()).isNotBlank();
        JsonNode signup = export.at("/signups/0");
        assertThat(signup.at("/signup/email").asText()).isEqualTo("ada@export.test");
        assertThat(signup.at("/signup/status").asText()).isEqualTo("confirmed");
        assertThat(signup.at("/signup/confirmed_referrals").asInt()).isEqualTo(1);
        long bob = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq("bob@export.test"));
        assertThat(signup.at("/referrals_made/0/id").asLong()).isEqualTo(bob);
        assertThat(signup.at("/referrals_made/0/credited").asBoolean()).isTrue();
        assertThat(export.at("/leads/0/message").asText()).isEqualTo("Do you do invoices?");
        assertThat(kinds(export.get("emails"))).contains(WaitlistEmails.CONFIRM, WaitlistEmails.ON_THE_LIST, LeadService.ACKNOWLEDGEMENT);
        assertThat(export.toString()).as("the people Ada referred are named by id only").doesNotContain("bob@");
        assertThat(export.get("suppression").isNull()).isTrue();

        // suppressed by hand (a complaint by phone, say): the export shows the entry, found by the address's hash
        assertThat(stack.http().postJson("/api/v1/admin/suppressions", "{\"email\": \"ADA@export.test\", \"note\": \"asked by phone\"}",
                "Authorization", "Bearer " + write, "CF-Connecting-IP", AdminClient.freshIp()).status()).isBetween(200, 201);
        JsonNode suppressed = admin.get(read, "/api/v1/admin/people/export?email=ada%40export.test").json().get("suppression");
        assertThat(suppressed.get("reason").asText()).isEqualTo("manual");
        assertThat(suppressed.get("address_hash").asText()).matches("[0-9a-f]{64}");

        List<String> targets = stack.db().select(ADMIN_AUDIT.TARGET).from(ADMIN_AUDIT)
                .where(ADMIN_AUDIT.ACTION.eq("person.export")).fetch(ADMIN_AUDIT.TARGET);
        assertThat(targets).isNotEmpty().allSatisfy(target ->
                assertThat(target).startsWith("signups:").doesNotContain("ada@", "export.test"));
    }

    @Test
    void erasing_the_person_someone_referred_leaves_the_referrers_count_and_place() {
        String cyStatus = signUpAndConfirm("cy@export.test", null);
        String code = stack.http().get("/api/v1/status?token=" + cyStatus).json().get("referral_link").asText()
                .replaceAll(".*ref=", "");
        signUpAndConfirm("dee@export.test", code);
        JsonNode before = stack.http().get("/api/v1/status?token=" + cyStatus).json();
        long dee = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq("dee@export.test"));

        assertThat(admin.delete(write, "/api/v1/admin/signups/" + dee).status()).isEqualTo(204);

        JsonNode after = stack.http().get("/api/v1/status?token=" + cyStatus).json();
        assertThat(after.get("referrals").asInt()).isEqualTo(before.get("referrals").asInt()).isEqualTo(1);
        assertThat(after.get("position").asInt()).isLessThanOrEqualTo(before.get("position").asInt());
        JsonNode export = admin.get(read, "/api/v1/admin/people/export?email=dee%40export.test").json();
        assertThat(export.get("signups")).isEmpty();
        assertThat(export.get("emails")).isEmpty();
    }

    @Test
    void bad_queries_get_a_422_naming_the_parameter() {
        Http.Response missing = admin.get(read, "/api/v1/admin/people/export");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().at("/error/fields/email").asText()).startsWith("required");
        assertThat(admin.get(read, "/api/v1/admin/people/export?email=not-an-address").json()
                .at("/error/fields/email").asText()).contains("an email address");
        assertThat(admin.get(read, "/api/v1/admin/people/export?email=a%40b.test&mail=x").status()).isEqualTo(422);
        assertThat(admin.get(read, "/api/v1/admin/people/export?email=a%40b.test&email=c%40d.test").status()).isEqualTo(422);
        assertThat(admin.get(read, "/api/v1/admin/people/export?email=%27%20or%201%3D1--%40x.test").status())
                .isIn(200, 422);
        assertThat(admin.get(null, "/api/v1/admin/people/export?email=a%40b.test").status()).isEqualTo(401);
    }

    private static List<String> kinds(JsonNode emails) {
        return StreamSupport.stream(emails.spliterator(), false).map(email -> email.get("kind").asText()).toList();
    }

    private static String signUpAndConfirm(String email, String referralCode) {
        String body = referralCode == null
                ? "{\"email\": \"" + email + "\", \"consent\": true}"
                : "{\"email\": \"" + email + "\", \"consent\": true, \"referral_code\": \"" + referralCode + "\"}";
        // from the landing page, as a browser sends it: Origin set, the client's address from the edge
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", body, "Origin", "https://rocket.test",
                "CF-Connecting-IP", AdminClient.freshIp()).status()).isEqualTo(202);
        String confirm = link(stack.awaitMailTo(email, "Confirm your spot"), "/confirm");
        assertThat(stack.http().postForm("/confirm", "token=" + confirm.replaceAll(".*token=", "")).status()).isEqualTo(200);
        return link(stack.awaitMailTo(email, "You're #"), "/status").replaceAll(".*token=", "");
    }

    private static String link(CapturedMail mail, String path) {
        return mail.links().stream().filter(link -> link.contains(path + "?")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + path + " link in " + mail.text()));
    }
}
