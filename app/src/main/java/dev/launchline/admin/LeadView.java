package dev.launchline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.db.schema.tables.records.LeadRecord;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** A lead as the admin API shows it (JSON) and exports it (one CSV row per lead). */
public record LeadView(
        long id, String form, String email, String name, String company, String message, JsonNode customFields,
        String utmSource, String utmMedium, String utmCampaign, String utmTerm, String utmContent,
        String referrer, String landingPage, OffsetDateTime createdAt) {

    static final List<String> CSV_HEADER = List.of(
            "id", "form", "email", "name", "company", "message", "custom_fields", "utm_source", "utm_medium",
            "utm_campaign", "utm_term", "utm_content", "referrer", "landing_page", "created_at");

    static LeadView of(LeadRecord row) {
        return new LeadView(row.getId(), row.getForm(), row.getEmail(), row.getName(), row.getCompany(),
                row.getMessage(), CsvExport.json(row.getCustomFields()), row.getUtmSource(), row.getUtmMedium(),
                row.getUtmCampaign(), row.getUtmTerm(), row.getUtmContent(), row.getReferrer(), row.getLandingPage(),
                row.getCreatedAt());
    }

    static List<String> csvRow(LeadRecord row) {
        return Arrays.asList(String.valueOf(row.getId()), row.getForm(), row.getEmail(), row.getName(),
                row.getCompany(), row.getMessage(), row.getCustomFields().data(), row.getUtmSource(),
                row.getUtmMedium(), row.getUtmCampaign(), row.getUtmTerm(), row.getUtmContent(), row.getReferrer(),
                row.getLandingPage(), CsvExport.text(row.getCreatedAt()));
    }
}
