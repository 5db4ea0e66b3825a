package dev.launchline.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.db.schema.tables.records.SignupRecord;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Each event's {@code data}, as docs/webhooks.md describes it. Times are ISO 8601 in UTC. */
public final class WebhookPayloads {
    private WebhookPayloads() {
    }

    /** signup.created: who joined, and where they came from. */
    static Map<String, Object> signup(SignupRecord signup) {
        Map<String, Object> data = person(signup);
        data.put("name", signup.getName());
        data.put("company", signup.getCompany());
        data.put("role", signup.getRole());
        data.put("custom_fields", customFields(signup));
        data.put("consent", signup.getConsent());
        data.put("referral_code", signup.getReferralCode());
        data.put("referred_by", signup.getReferredBy());
        data.put("utm_source", signup.getUtmSource());
        data.put("utm_medium", signup.getUtmMedium());
        data.put("utm_campaign", signup.getUtmCampaign());
        data.put("utm_term", signup.getUtmTerm());
        data.put("utm_content", signup.getUtmContent());
        data.put("referrer", signup.getReferrer());
        data.put("landing_page", signup.getLandingPage());
        data.put("created_at", time(signup.getCreatedAt()));
        return data;
    }

    static Map<String, Object> confirmed(SignupRecord signup) {
        Map<String, Object> data = person(signup);
        data.put("confirmed_at", time(signup.getConfirmedAt()));
        return data;
    }

    static Map<String, Object> referral(SignupRecord referee, long referrerId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("waitlist", referee.getWaitlist());
        data.put("referrer_id", String.valueOf(referrerId));
        data.put("referee_id", String.valueOf(referee.getId()));
        return data;
    }

    static Map<String, Object> invited(SignupRecord signup, OffsetDateTime invitedAt) {
        Map<String, Object> data = person(signup);
        data.put("invited_at", time(invitedAt));
        return data;
    }

    static Map<String, Object> unsubscribed(SignupRecord signup, OffsetDateTime at) {
        Map<String, Object> data = person(signup);
        data.put("unsubscribed_at", time(at));
        return data;
    }

    static Map<String, Object> erased(String waitlist, long signupId, OffsetDateTime at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", String.valueOf(signupId));
        data.put("waitlist", waitlist);
        data.put("erased_at", time(at));
        return data;
    }

    /** lead.created's data, built by the lead feature from what it stored. */
    public static Map<String, Object> lead(long id, String form, String email, String name, String company,
                                           String message, Map<String, String> customFields, OffsetDateTime createdAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", String.valueOf(id));
        data.put("form", form);
        data.put("email", email);
        data.put("name", name);
        data.put("company", company);
        data.put("message", message);
        data.put("custom_fields", customFields);
        data.put("created_at", time(createdAt));
        return data;
    }

    private static Map<String, Object> person(SignupRecord signup) {
        Map<String, Object> data = new LinkedHashMap<>();
        // ids as strings: JavaScript receivers lose precision on 64-bit numbers
        data.put("id", String.valueOf(signup.getId()));
        data.put("waitlist", signup.getWaitlist());
        data.put("email", signup.getEmail());
        return data;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Object customFields(SignupRecord signup) {
        if (signup.getCustomFields() == null) {
            return Map.of();
        }
        try {
            return JSON.readTree(signup.getCustomFields().data());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("custom_fields is JSON the service wrote", impossible);
        }
    }

    private static String time(OffsetDateTime time) {
        return time == null ? null : time.withOffsetSameInstant(java.time.ZoneOffset.UTC).toString();
    }
}
