package dev.launchline.waitlist;

import dev.launchline.funnel.Waitlist;
import dev.launchline.email.EmailAddress;
import dev.launchline.funnel.Attribution;
import dev.launchline.http.Fields;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** A validated signup: what POST /api/v1/waitlists/{slug}/signups accepts. */
public record SignupRequest(
        EmailAddress email,
        Optional<String> name,
        Optional<String> company,
        Optional<String> role,
        Map<String, String> customFields,
        boolean consent,
        Optional<String> referralCode,
        Attribution attribution,
        Optional<String> leaderboardName) {

    private static final Set<String> STANDARD_FIELDS = Set.of(
            "email", "name", "company", "role", "consent", "referral_code", "ref", "custom_fields",
            "leaderboard_name");
    private static final Pattern REFERRAL_CODE = Pattern.compile("[a-z0-9]{4,32}");

    public static SignupRequest from(Fields fields, Waitlist waitlist) {
        Set<String> known = new HashSet<>(STANDARD_FIELDS);
        known.addAll(Attribution.FIELDS);
        known.addAll(waitlist.customFields());
        fields.rejectUnknown(known);

        String rawEmail = fields.requiredText("email", 320);
        Optional<EmailAddress> email = Optional.empty();
        if (rawEmail != null) {
            email = EmailAddress.parse(rawEmail, waitlist.foldGmailDots());
            if (email.isEmpty()) {
                fields.problem("email", "must be a valid email address");
            }
        }
        Optional<String> name = fields.text("name", 200);
        Optional<String> company = fields.text("company", 200);
        Optional<String> role = fields.text("role", 200);
        Map<String, String> custom = fields.customFields(waitlist.customFields(), 500);
        boolean consent = fields.flag("consent");
        // "ref" is what a referral link carries (?ref=CODE); landing pages may pass it on as is
        Optional<String> referral = fields.text("referral_code", 32).or(() -> fields.text("ref", 32))
                .map(String::toLowerCase);
        if (referral.isPresent() && !REFERRAL_CODE.matcher(referral.get()).matches()) {
            // an unknown or malformed referral code never blocks a signup: it is just not credited
            referral = Optional.empty();
        }
        Attribution attribution = Attribution.read(fields);
        Optional<String> leaderboardName = LeaderboardName.read(fields);
        fields.throwIfInvalid();
        return new SignupRequest(email.orElseThrow(), name, company, role, custom, consent, referral, attribution,
                leaderboardName);
    }

    /** The same signup, credited to no one (its referral code was over its rate limit). */
    public SignupRequest withoutReferral() {
        return new SignupRequest(email, name, company, role, customFields, consent, Optional.empty(), attribution,
                leaderboardName);
    }
}
