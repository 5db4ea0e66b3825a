package dev.launchline.funnel;

import dev.launchline.http.Fields;

import java.util.Optional;
import java.util.Set;

/**
 * Where a lead came from, as first seen: UTM parameters, the page that referred the visitor
 * and the landing page. Stored once with the signup or lead and never overwritten.
 */
public record Attribution(
        Optional<String> utmSource,
        Optional<String> utmMedium,
        Optional<String> utmCampaign,
        Optional<String> utmTerm,
        Optional<String> utmContent,
        Optional<String> referrer,
        Optional<String> landingPage) {

    public static final Set<String> FIELDS = Set.of(
            "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer", "landing_page");

    public static Attribution read(Fields fields) {
        return new Attribution(
                fields.text("utm_source", 200),
                fields.text("utm_medium", 200),
                fields.text("utm_campaign", 200),
                fields.text("utm_term", 200),
                fields.text("utm_content", 200),
                fields.text("referrer", 2048),
                fields.text("landing_page", 2048));
    }

    public static Attribution none() {
        Optional<String> empty = Optional.empty();
        return new Attribution(empty, empty, empty, empty, empty, empty, empty);
    }
}
