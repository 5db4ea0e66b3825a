package dev.launchline.waitlist;

import dev.launchline.funnel.Waitlist;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.mail.EmailTemplates;
import dev.launchline.mail.OutgoingEmail;
import dev.launchline.token.TokenSigner;
import dev.launchline.token.TokenSigner.Purpose;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Renders the waitlist's emails and the signed links they carry. */
public final class WaitlistEmails {
    public static final String CONFIRM = "confirm_signup";
    public static final String ON_THE_LIST = "signup_confirmed";

    private final EmailTemplates templates;
    private final TokenSigner tokens;
    private final URI publicBaseUrl;
    private final String sender;
    private final Duration confirmationTtl;
    private final Clock clock;

    public WaitlistEmails(EmailTemplates templates, TokenSigner tokens, URI publicBaseUrl, String sender,
                          Duration confirmationTtl, Clock clock) {
        this.templates = templates;
        this.tokens = tokens;
        this.publicBaseUrl = publicBaseUrl;
        this.sender = sender;
        this.confirmationTtl = confirmationTtl;
        this.clock = clock;
    }

    /** The double opt-in mail: a link to a page whose button confirms (a GET never does). */
    public OutgoingEmail confirmation(Waitlist waitlist, SignupRecord signup) {
        String token = tokens.issue(Purpose.CONFIRM, signup.getId(),
                Optional.of(clock.instant().plus(confirmationTtl)));
        Map<String, Object> data = common(waitlist, signup);
        data.put("confirm_url", link("/confirm", token));
        data.put("expires_hours", confirmationTtl.toHours());
        return email(waitlist, signup, CONFIRM, data);
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
        return new OutgoingEmail(kind, sender, signup.getEmail(), Optional.empty(), rendered.subject(),
                rendered.text(), rendered.html(), Optional.of(unsubscribeLink(signup.getId())));
    }

    private String link(String path, String token) {
        return publicBaseUrl + path + "?token=" + token;
    }
}
