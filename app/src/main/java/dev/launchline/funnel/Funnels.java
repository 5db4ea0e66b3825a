package dev.launchline.funnel;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.email.EmailAddress;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The waitlists and contact forms of a deployment, read from JSON (FUNNELS_FILE or FUNNELS).
 * Unknown keys are errors, so a typo in the file fails the start instead of silently
 * switching a feature off.
 */
public record Funnels(List<Waitlist> waitlists, List<ContactForm> forms) {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    /** Custom fields may not shadow the standard ones. */
    public static final Set<String> RESERVED_FIELDS = Set.of(
            "email", "name", "company", "role", "message", "consent", "referral_code", "ref",
            "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer",
            "landing_page", "custom_fields", "form_token", "leaderboard_name");

    public Optional<Waitlist> waitlist(String slug) {
        return waitlists.stream().filter(w -> w.slug().equals(slug)).findFirst();
    }

    public Optional<ContactForm> form(String slug) {
        return forms.stream().filter(f -> f.slug().equals(slug)).findFirst();
    }

    /** The dev default: one waitlist (with a leaderboard, to try) and one contact form, served by the service itself. */
    public static Funnels devDefault(URI publicBaseUrl) {
        String base = publicBaseUrl.toString();
        Waitlist launch = new Waitlist("launch", "Launchline demo", URI.create(base + "/"), true,
                Set.of("team_size"), 5, Optional.empty(), Optional.empty(), false, Set.of(), Optional.empty(),
                Optional.empty(),
                Optional.of(new Leaderboard(Leaderboard.DEFAULT_SIZE, Duration.ofSeconds(Leaderboard.DEFAULT_CACHE_SECONDS))));
        ContactForm contact = new ContactForm("contact", "Talk to sales",
                List.of("founders@launchline.localhost"), Set.of("budget"), Optional.empty(), true, Set.of());
        return new Funnels(List.of(launch), List.of(contact));
    }

    record WaitlistJson(
            String slug, String name,
            @JsonProperty("public_url") String publicUrl,
            @JsonProperty("confirmation_required") Boolean confirmationRequired,
            @JsonProperty("custom_fields") List<String> customFields,
            @JsonProperty("referral_boost") Integer referralBoost,
            @JsonProperty("redirect_after_signup") String redirectAfterSignup,
            @JsonProperty("redirect_after_confirm") String redirectAfterConfirm,
            @JsonProperty("fold_gmail_dots") Boolean foldGmailDots,
            @JsonProperty("allowed_origins") List<String> allowedOrigins,
            @JsonProperty("invite_url") String inviteUrl,
            @JsonProperty("consent_version") String consentVersion,

            LeaderboardJson leaderboard) {
    }

    record LeaderboardJson(Integer size, @JsonProperty("cache_seconds") Integer cacheSeconds) {
    }

    record FormJson(
            String slug, String name,
            List<String> recipients,
            @JsonProperty("custom_fields") List<String> customFields,
            @JsonProperty("redirect_after_submit") String redirectAfterSubmit,
            Boolean acknowledge,
            @JsonProperty("allowed_origins") List<String> allowedOrigins) {
    }

    record FunnelsJson(List<WaitlistJson> waitlists, List<FormJson> forms) {
    }

    /** Parses and checks the JSON; every problem is reported under {@code variable}. */
    public static Funnels parse(String json, String variable, EnvironmentVariables problems) {
        FunnelsJson raw;
        try {
            raw = new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json, FunnelsJson.class);
        } catch (UnrecognizedPropertyException unknown) {
            problems.problem(variable, "unknown key \"" + unknown.getPropertyName() + "\"");
            return new Funnels(List.of(), List.of());
        } catch (Exception malformed) {
            problems.problem(variable, "not valid JSON of the form {\"waitlists\": [...], \"forms\": [...]}");
            return new Funnels(List.of(), List.of());
        }
        Set<String> slugs = new HashSet<>();
        List<Waitlist> waitlists = new ArrayList<>();
        for (WaitlistJson w : raw.waitlists() == null ? List.<WaitlistJson>of() : raw.waitlists()) {
            String where = variable + ": waitlist \"" + w.slug() + "\"";
            checkSlug(w.slug(), slugs, variable, "waitlist", problems);
            int boost = w.referralBoost() == null ? 0 : w.referralBoost();
            if (boost < 0 || boost > 10_000) {
                problems.problem(where, "referral_boost must be from 0 to 10000");
            }
            waitlists.add(new Waitlist(w.slug(), w.name() == null ? w.slug() : w.name(),
                    requiredUrl(w.publicUrl(), where, "public_url", problems),
                    w.confirmationRequired() == null || w.confirmationRequired(),
                    fieldNames(w.customFields(), where, problems), boost,
                    optionalUrl(w.redirectAfterSignup(), where, "redirect_after_signup", problems),
                    optionalUrl(w.redirectAfterConfirm(), where, "redirect_after_confirm", problems),
                    Boolean.TRUE.equals(w.foldGmailDots()),
                    origins(w.allowedOrigins(), where, problems),
                    optionalUrl(w.inviteUrl(), where, "invite_url", problems),
                    consentVersion(w.consentVersion(), where, problems),

                    leaderboard(w.leaderboard(), where, problems)));
        }
        List<ContactForm> forms = new ArrayList<>();
        Set<String> formSlugs = new HashSet<>();
        for (FormJson f : raw.forms() == null ? List.<FormJson>of() : raw.forms()) {
            String where = variable + ": form \"" + f.slug() + "\"";
            checkSlug(f.slug(), formSlugs, variable, "form", problems);
            List<String> recipients = new ArrayList<>();
            if (f.recipients() == null || f.recipients().isEmpty()) {
                problems.problem(where, "recipients must list at least one address");
            } else {
                for (String recipient : f.recipients()) {
                    EmailAddress.parse(recipient, false).ifPresentOrElse(
                            address -> recipients.add(address.address()),
                            () -> problems.problem(where, "recipients holds an invalid address"));
                }
            }
            forms.add(new ContactForm(f.slug(), f.name() == null ? f.slug() : f.name(), List.copyOf(recipients),
                    fieldNames(f.customFields(), where, problems),
                    optionalUrl(f.redirectAfterSubmit(), where, "redirect_after_submit", problems),
                    f.acknowledge() == null || f.acknowledge(),
                    origins(f.allowedOrigins(), where, problems)));
        }
        if (waitlists.isEmpty() && forms.isEmpty()) {
            problems.problem(variable, "defines no waitlist and no form");
        }
        return new Funnels(List.copyOf(waitlists), List.copyOf(forms));
    }

    /** Absent (or null) is off; {} is on with the defaults. */
    private static Optional<Leaderboard> leaderboard(LeaderboardJson json, String where, EnvironmentVariables problems) {
        if (json == null) {
            return Optional.empty();
        }
        int size = json.size() == null ? Leaderboard.DEFAULT_SIZE : json.size();
        if (size < 1 || size > Leaderboard.MAX_SIZE) {
            problems.problem(where, "leaderboard.size must be from 1 to " + Leaderboard.MAX_SIZE);
        }
        int cacheSeconds = json.cacheSeconds() == null ? Leaderboard.DEFAULT_CACHE_SECONDS : json.cacheSeconds();
        if (cacheSeconds < 1 || cacheSeconds > Leaderboard.MAX_CACHE_SECONDS) {
            problems.problem(where, "leaderboard.cache_seconds must be from 1 to " + Leaderboard.MAX_CACHE_SECONDS
                    + " (a short cache is what keeps a launch spike to one query per period)");
        }
        return Optional.of(new Leaderboard(size, Duration.ofSeconds(cacheSeconds)));
    }

    private static void checkSlug(String slug, Set<String> seen, String variable, String kind,
                                  EnvironmentVariables problems) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            problems.problem(variable, kind + " slug \"" + slug + "\" must be lowercase letters, digits and dashes");
        } else if (!seen.add(slug)) {
            problems.problem(variable, kind + " slug \"" + slug + "\" is defined twice");
        }
    }

    private static final Pattern CONSENT_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    /** A label for the consent wording, such as "privacy-2026-11": stored with every signup, so short and plain. */
    private static Optional<String> consentVersion(String value, String where, EnvironmentVariables problems) {
        if (value == null) {
            return Optional.empty();
        }
        if (!CONSENT_VERSION.matcher(value).matches()) {
            problems.problem(where, "consent_version must be 1 to 64 letters, digits, '.', '_', ':' or '-', "
                    + "such as \"privacy-2026-11\"");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    private static Set<String> fieldNames(List<String> names, String where, EnvironmentVariables problems) {
        Set<String> result = new LinkedHashSet<>();
        for (String name : names == null ? List.<String>of() : names) {
            if (name == null || !FIELD_NAME.matcher(name).matches() || RESERVED_FIELDS.contains(name)) {
                problems.problem(where, "custom field \"" + name + "\" must be snake_case and not a standard field");
            } else {
                result.add(name);
            }
        }
        return Set.copyOf(result);
    }

    /** Browser origins such as https://www.rocket.example: scheme, host and port only. */
    private static Set<String> origins(List<String> values, String where, EnvironmentVariables problems) {
        Set<String> result = new LinkedHashSet<>();
        for (String value : values == null ? List.<String>of() : values) {
            Optional<String> origin = Optional.ofNullable(value).flatMap(Funnels::origin)
                    .filter(normalized -> normalized.equals(value.toLowerCase(Locale.ROOT)));
            origin.ifPresentOrElse(result::add, () -> problems.problem(where,
                    "allowed_origins entry \"" + value + "\" must be an origin such as https://www.example.com (no path)"));
        }
        return Set.copyOf(result);
    }

    /** The origin (scheme://host[:port], lowercase) of an http(s) URL, as browsers send it in the Origin header. */
    public static Optional<String> origin(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return Optional.empty();
            }
            int defaultPort = scheme.equals("https") ? 443 : 80;
            String port = uri.getPort() == -1 || uri.getPort() == defaultPort ? "" : ":" + uri.getPort();
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + port);
        } catch (Exception malformed) {
            return Optional.empty();
        }
    }

    private static URI requiredUrl(String value, String where, String key, EnvironmentVariables problems) {
        if (value == null) {
            problems.problem(where, key + " is required");
            return URI.create("http://invalid.invalid/");
        }
        return optionalUrl(value, where, key, problems).orElse(URI.create("http://invalid.invalid/"));
    }

    static Optional<URI> optionalUrl(String value, String where, String key, EnvironmentVariables problems) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (Exception ignored) {
            // reported below
        }
        problems.problem(where, key + " must be an absolute http(s) URL");
        return Optional.empty();
    }
}
