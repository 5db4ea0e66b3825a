package dev.launchline.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EmailTemplatesTest {
    private static final Map<String, Object> DATA = Map.of(
            "waitlist_name", "Rocket <beta>", "name", "Zoë", "confirm_url", "https://x.test/confirm?token=a.b",
            "unsubscribe_url", "https://x.test/unsubscribe?token=c.d", "expires_hours", 72);

    @Test
    void built_in_templates_render_text_and_escaped_html() {
        EmailTemplates.Rendered rendered = new EmailTemplates(Optional.empty()).render("launch", "confirm_signup", DATA);
        assertThat(rendered.subject()).isEqualTo("Confirm your spot on the Rocket <beta> waitlist");
        assertThat(rendered.text()).contains("Hi Zoë", "https://x.test/confirm?token=a.b");
        assertThat(rendered.html()).contains("Rocket &lt;beta&gt;").doesNotContain("<beta>");
    }

    @Test
    void a_waitlist_override_beats_a_global_override_which_beats_the_built_in(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("confirm_signup.subject.mustache"), "Global: {{waitlist_name}}");
        Files.createDirectories(dir.resolve("vip"));
        Files.writeString(dir.resolve("vip/confirm_signup.subject.mustache"), "VIP only\r\nBcc: injected@evil.test");
        EmailTemplates templates = new EmailTemplates(Optional.of(dir));

        assertThat(templates.render("launch", "confirm_signup", DATA).subject()).isEqualTo("Global: Rocket <beta>");
        // a subject is one header line: a newline in a template cannot smuggle in another header
        assertThat(templates.render("vip", "confirm_signup", DATA).subject()).isEqualTo("VIP only Bcc: injected@evil.test");
        assertThat(templates.render("vip", "confirm_signup", DATA).text()).contains("Hi Zoë"); // built-in body
    }

    @Test
    void the_invite_carries_its_link_and_a_waitlist_can_have_its_own(@TempDir Path dir) throws IOException {
        Map<String, Object> data = Map.of("waitlist_name", "Rocket", "name", "Zoë",
                "invite_url", "https://app.x.test/join?plan=beta&invite=T1", "status_url", "https://x.test/status?token=s",
                "unsubscribe_url", "https://x.test/unsubscribe?token=u");
        EmailTemplates.Rendered builtIn = new EmailTemplates(Optional.empty()).render("launch", "invite", data);
        assertThat(builtIn.subject()).isEqualTo("You're in: your Rocket invite");
        assertThat(builtIn.text()).contains("Hi Zoë", "https://app.x.test/join?plan=beta&invite=T1",
                "https://x.test/unsubscribe?token=u");
        // escaped as an attribute (jmustache escapes = too): a browser reads the very link back
        assertThat(builtIn.html()).contains("href=\"https://app.x.test/join?plan&#x3D;beta&amp;invite&#x3D;T1\"");

        Files.createDirectories(dir.resolve("vip"));
        Files.writeString(dir.resolve("vip/invite.txt.mustache"), "Come in: {{invite_url}}");
        EmailTemplates templates = new EmailTemplates(Optional.of(dir));
        assertThat(templates.render("vip", "invite", data).text()).isEqualTo("Come in: https://app.x.test/join?plan=beta&invite=T1");
        assertThat(templates.render("launch", "invite", data).text()).isEqualTo(builtIn.text());
    }
}
