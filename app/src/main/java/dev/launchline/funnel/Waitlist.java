package dev.launchline.funnel;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * One waitlist as configured in the funnels file.
 *
 * @param publicUrl            the product's landing page; referral links point here with ?ref=CODE
 * @param referralBoost        places a signup moves up per confirmed referral
 * @param foldGmailDots        treat j.o.e@gmail.com and joe+x@gmail.com as joe@gmail.com
 * @param allowedOrigins       browser origins besides the public URL's that may post to it
 * @param consentVersion       names the consent wording the signup form shows; stored with each signup
 * @param inviteUrl            where an invite email sends the person (the product's sign-up page);
 *                             empty: the public URL. A signed invite token is appended as ?invite=TOKEN
 * @param leaderboard          the public board of top referrers; empty (the default) when off
 */
public record Waitlist(
        String slug,
        String name,
        URI publicUrl,
        boolean confirmationRequired,
        Set<String> customFields,
        int referralBoost,
        Optional<URI> redirectAfterSignup,
        Optional<URI> redirectAfterConfirm,
        boolean foldGmailDots,
        Set<String> allowedOrigins,
        Optional<URI> inviteUrl,
        Optional<String> consentVersion,
        Optional<Leaderboard> leaderboard) {

    public String referralLink(String referralCode) {
        String base = publicUrl.toString();
        return base + (base.contains("?") ? "&" : "?") + "ref=" + referralCode;
    }

    /** The link in an invite email: {@code invite_url} (else the public URL) with the person's invite token. */
    public String inviteLink(String inviteToken) {
        String base = inviteUrl.orElse(publicUrl).toString();
        return base + (base.contains("?") ? "&" : "?") + "invite=" + inviteToken;
    }
}
