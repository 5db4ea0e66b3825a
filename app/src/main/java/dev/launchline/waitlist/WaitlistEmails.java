package dev.launchline.waitlist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.funnel.Waitlist;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.mail.DeferredRendering;
import dev.launchline.mail.EmailTemplates;
import dev.launchline.mail.OutgoingEmail;
import dev.launchline.token.TokenSigner;
import dev.launchline.token.TokenSigner.Purpose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the waitlist's emails and the signed links they carry. A signup's confirmation is
 * queued deferred ({@link #deferredConfirmation}) and rendered here when the sender takes it
 * ({@link #render}): the templates and the signing key in force then, the link's expiry fixed
 * when it was queued.
 */
public final class WaitlistEmails implements DeferredRendering {
    public static final String CONFIRM = "confirm_signup";
    public static final String ON_THE_LIST = "signup_confirmed";
    public static final String INVITE = "invite";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmailTemplates templates;
    private final TokenSigner tokens;
    private final Waitlists waitlists;
    private final URI publicBaseUrl;
    private final String sender;
    private final Duration confirmationTtl;
    private final Clock clock;

    public WaitlistEmails(EmailTemplates templates, TokenSigner tokens, Waitlists waitlists, URI publicBaseUrl, String sender,
                          Duration confirmationTtl, Clock clock) {
        this.templates = templates;
        this.tokens = tokens;
        this.waitlists = waitlists;
        this.publicBaseUrl = publicBaseUrl;
        this.sender = sender;
        this.confirmationTtl = confirmationTtl;
        this.clock = clock;
    }

    /**
     * The double opt-in mail (a link to a page whose button confirms: a GET never does), queued as
     * what it is rendered from: the waitlist, the name, and when its link expires (counted from
     * now, not from when it is sent). About 80 bytes where the rendered email was about 1.3 KB,
     * written with every signup and again when it is marked sent.
     */
    public OutgoingEmail deferredConfirmation(Waitlist waitlist, SignupRecord signup) {
        ObjectNode data = JSON.createObjectNode()
                .put("waitlist", waitlist.slug())
                .put("name", signup.getName())
                .put("expires_at", clock.instant().plus(confirmationTtl).getEpochSecond());
        return OutgoingEmail.deferred(CONFIRM, sender, signup.getEmail(), data.toString());
    }

    /** Renders a deferred confirmation the sender took from the outbox (see {@link DeferredRendering}). */
    @Override
    public void render(OutboxEmailRecord email) {
        if (!CONFIRM.equals(email.getKind()) || email.getSignupId() == null) {
            throw new Unrenderable("not a waitlist confirmation: " + email.getKind());
        }
        JsonNode data;
        try {
            data = JSON.readTree(email.getTemplateData().data());
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
        Waitlist waitlist = waitlists.configured(data.path("waitlist").asText())
                .orElseThrow(() -> new Unrenderable("waitlist '" + data.path("waitlist").asText() + "' is no longer configured"));
        SignupRecord signup = new SignupRecord();
        signup.setId(email.getSignupId());
        signup.setEmail(email.getRecipient());
        signup.setName(data.path("name").isTextual() ? data.path("name").asText() : null);
        OutgoingEmail rendered = email(waitlist, signup, CONFIRM,
                confirmationData(waitlist, signup, Instant.ofEpochSecond(data.path("expires_at").asLong())));
        email.setSubject(rendered.subject());
        email.setTextBody(rendered.textBody());
        email.setHtmlBody(rendered.htmlBody());
        email.setUnsubscribeUrl(rendered.unsubscribeUrl().orElse(null));
    }

    private Map<String, Object> confirmationData(Waitlist waitlist, SignupRecord signup, Instant expiresAt) {
        String token = tokens.issue(Purpose.CONFIRM, signup.getId(), Optional.of(expiresAt));
        Map<String, Object> data = common(waitlist, signup);
        data.put("confirm_url", link("/confirm", token));
        data.put("expires_hours", confirmationTtl.toHours());
        return data;
    }

    /** "You're on the list": position, referral link, status link. */
    public OutgoingEmail onTheList(Waitlist waitlist, SignupRecord signup, int position, int total) {
        Map<String, Object> data = common(waitlist, signup);
        data.put("position", position);
        data.put("total", total);
        data.put("referral_link", waitlist.referralLink(signup.getReferralCode()));
        data.put("referral_boost", waitlist.referralBoost());
        data.put("has_referral_boost", waitlist.referralBoost() > 0);
        return email(waitlist, signup, ON_THE_LIST, data);
    }

    /**
     * "You're in": the waitlist's invite link (invite_url, else the public URL) carrying a signed
     * invite token, and the status link. Rendered now, as the "on the list" mail: a batch's emails
     * say what the templates said when the founder let those people in.
     */
    public OutgoingEmail invite(Waitlist waitlist, SignupRecord signup) {
        Map<String, Object> data = common(waitlist, signup);
        data.put("invite_url", waitlist.inviteLink(tokens.issue(Purpose.INVITE, signup.getId(), Optional.empty())));
        data.put("referral_link", waitlist.referralLink(signup.getReferralCode()));
        return email(waitlist, signup, INVITE, data);
    }

    public String statusLink(long signupId) {
        return link("/status", tokens.issue(Purpose.STATUS, signupId, Optional.empty()));
    }

    public String unsubscribeLink(long signupId) {
        return link("/unsubscribe", tokens.issue(Purpose.UNSUBSCRIBE, signupId, Optional.empty()));
    }

    private Map<String, Object> common(Waitlist waitlist, SignupRecord signup) {
        Map<String, Object> data = new HashMap<>();
        data.put("waitlist_name", waitlist.name());
        data.put("name", signup.getName());
        data.put("status_url", statusLink(signup.getId()));
        data.put("unsubscribe_url", unsubscribeLink(signup.getId()));
        return data;
    }

    private OutgoingEmail email(Waitlist waitlist, SignupRecord signup, String kind, Map<String, Object> data) {
        EmailTemplates.Rendered rendered = templates.render(waitlist.slug(), kind, data);
        // the link common() put in the body, for the List-Unsubscribe header too: one token, not two
        return new OutgoingEmail(kind, sender, signup.getEmail(), Optional.empty(), rendered.subject(),
                rendered.text(), rendered.html(), Optional.of((String) data.get("unsubscribe_url")));
    }

    private String link(String path, String token) {
        return publicBaseUrl + path + "?token=" + token;
    }
}
