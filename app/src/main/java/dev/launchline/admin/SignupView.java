package dev.launchline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.waitlist.SignupFilter;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** A signup as the admin API shows it (JSON) and exports it (one CSV row per signup). */
public record SignupView(
        long id, String waitlist, String status, String email, String name, String company, String role,
        JsonNode customFields, boolean consent, String referralCode, Long referredBy, int confirmedReferrals,
        String leaderboardName, String utmSource, String utmMedium, String utmCampaign, String utmTerm,
        String utmContent,
        String referrer, String landingPage, OffsetDateTime createdAt, OffsetDateTime confirmedAt,
        OffsetDateTime invitedAt, OffsetDateTime unsubscribedAt, boolean test) {

    static final List<String> CSV_HEADER = List.of(
            "id", "waitlist", "status", "email", "name", "company", "role", "custom_fields", "consent",
            "referral_code", "referred_by", "confirmed_referrals", "utm_source", "utm_medium", "utm_campaign",
            "utm_term", "utm_content", "referrer", "landing_page", "created_at", "confirmed_at", "invited_at",
            "unsubscribed_at", "test", "leaderboard_name"); // new columns go last: exports read by position keep working

    static SignupView of(SignupRecord row) {
        return new SignupView(row.getId(), row.getWaitlist(),
                SignupFilter.Status.of(row.getConfirmedAt(), row.getInvitedAt(), row.getUnsubscribedAt()).id(),
                row.getEmail(), row.getName(), row.getCompany(), row.getRole(),
                CsvExport.json(row.getCustomFields()), row.getConsent(), row.getReferralCode(), row.getReferredBy(),
                row.getConfirmedReferrals(), row.getLeaderboardName(), row.getUtmSource(), row.getUtmMedium(),
                row.getUtmCampaign(), row.getUtmTerm(), row.getUtmContent(), row.getReferrer(), row.getLandingPage(), row.getCreatedAt(),
                row.getConfirmedAt(), row.getInvitedAt(), row.getUnsubscribedAt(), row.getIsTest());
    }

    /** The CSV cells, in {@link #CSV_HEADER} order; straight from the row, no JSON tree in between. */
    static List<String> csvRow(SignupRecord row) {
        return Arrays.asList(String.valueOf(row.getId()), row.getWaitlist(),
                SignupFilter.Status.of(row.getConfirmedAt(), row.getInvitedAt(), row.getUnsubscribedAt()).id(),
                row.getEmail(), row.getName(), row.getCompany(), row.getRole(), row.getCustomFields().data(),
                String.valueOf(row.getConsent()), row.getReferralCode(), CsvExport.text(row.getReferredBy()),
                String.valueOf(row.getConfirmedReferrals()), row.getUtmSource(), row.getUtmMedium(),
                row.getUtmCampaign(), row.getUtmTerm(), row.getUtmContent(), row.getReferrer(), row.getLandingPage(),
                CsvExport.text(row.getCreatedAt()), CsvExport.text(row.getConfirmedAt()),
                CsvExport.text(row.getInvitedAt()), CsvExport.text(row.getUnsubscribedAt()),
                String.valueOf(row.getIsTest()), row.getLeaderboardName());
    }
}
