package dev.launchline.lead;

import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.launchline.db.schema.Tables.LEAD;
import static org.assertj.core.api.Assertions.assertThat;

class LeadTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();

    @Test
    void a_lead_is_stored_and_notifies_every_recipient_with_reply_to_the_lead() {
        Http.Response response = stack.http().postJson("/api/v1/forms/contact/submissions", """
                {"email": "buyer@bigco.test", "name": "Grace Buyer", "company": "BigCo",
                 "message": "We need 500 seats.\\nCan we talk?", "custom_fields": {"budget": "50k"},
                 "utm_source": "linkedin", "utm_campaign": "q4"}
                """);
        assertThat(response.status()).isEqualTo(202);
        assertThat(stack.db().fetchValue(LEAD.UTM_SOURCE, LEAD.EMAIL.eq("buyer@bigco.test"))).isEqualTo("linkedin");

        for (String recipient : new String[] {"sales@rocket.test", "ceo@rocket.test"}) {
            CapturedMail notification = stack.awaitMailTo(recipient, "New lead on Talk to sales");
            assertThat(notification.replyTo()).isEqualTo("buyer@bigco.test");
            assertThat(notification.text()).contains("We need 500 seats.", "Can we talk?", "budget: 50k", "BigCo");
            assertThat(notification.listUnsubscribe()).isNull();
        }
        CapturedMail acknowledgement = stack.awaitMailTo("buyer@bigco.test", "We got your message");
        assertThat(acknowledgement.text()).contains("Hi Grace Buyer");
    }

    @Test
    void a_double_submit_is_one_lead_with_one_set_of_mail() {
        String body = "email=twice%40bigco.test&message=Hello+there";
        Http.Response first = stack.http().postForm("/api/v1/forms/contact/submissions", body);
        Http.Response second = stack.http().postForm("/api/v1/forms/contact/submissions", body);
        assertThat(first.status()).isEqualTo(303);
        assertThat(second.status()).isEqualTo(303);
        assertThat(second.header("Location")).isEqualTo(first.header("Location"));
        stack.awaitMailTo("twice@bigco.test", "We got your message");
        stack.awaitOutboxDelivered(); // a wrongly queued second acknowledgement has arrived by now too
        assertThat(stack.db().fetchCount(LEAD, LEAD.EMAIL.eq("twice@bigco.test"))).isEqualTo(1);
        assertThat(stack.mailTo("twice@bigco.test")).hasSize(1);
    }

    @Test
    void html_in_a_message_is_escaped_in_the_html_notification() {
        stack.http().postJson("/api/v1/forms/contact/submissions",
                "{\"email\": \"xss@bigco.test\", \"message\": \"<img src=x onerror=alert(1)>\"}");
        CapturedMail notification = stack.awaitMail(m -> m.to().contains("sales@rocket.test") && m.text().contains("onerror"));
        assertThat(notification.html()).doesNotContain("<img src=x").contains("&lt;img src&#x3D;x");
    }

    @Test
    void a_name_written_as_an_encoded_word_reaches_the_subject_as_written_on_one_line() {
        // mail clients decode =?...?= for display: decoded, this would show a line break and a "Bcc:"
        String name = "=?utf-8?q?Grace=0D=0ABcc:_all@rocket.test?=";
        stack.http().postJson("/api/v1/forms/contact/submissions",
                "{\"email\": \"encoded@bigco.test\", \"name\": \"" + name + "\", \"message\": \"Hi\"}");

        CapturedMail notification = stack.awaitMail(m -> m.to().contains("sales@rocket.test")
                && m.replyTo() != null && m.replyTo().equals("encoded@bigco.test"));

        // the subject as a mail client decodes it: the visitor's text, literally, on one line
        assertThat(notification.subject()).isEqualTo("New lead on Talk to sales: " + name)
                .doesNotContain("\r", "\n");
    }
}
