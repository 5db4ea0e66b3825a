package dev.launchline.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.funnel.ContactForm;
import dev.launchline.funnel.Funnels;
import dev.launchline.funnel.Waitlist;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The webhook endpoints (WEBHOOKS or WEBHOOKS_FILE: JSON that holds no secret, so it can be
 * committed) and how they are delivered to. Each endpoint names the environment variable that
 * holds its secrets ({@code secret_env}), read like every other secret (NAME or NAME_FILE).
 *
 * @param concurrency deliveries in flight at once, over all endpoints
 * @param perEndpoint deliveries in flight at once to one endpoint: a slow receiver never takes
 *                    every slot
 */
public record WebhookSettings(List<WebhookEndpoint> endpoints, int concurrency, int perEndpoint, int maxAttempts,
                              Duration retryBase, Duration retryMax, Duration timeout, Duration pollInterval,
                              Duration retention) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]{0,99}");

    record EndpointJson(String id, String url, List<String> events, List<String> waitlists, List<String> forms,
                        @JsonProperty("secret_env") String secretEnv) {
    }

    record WebhooksJson(List<EndpointJson> endpoints) {
    }

    public static WebhookSettings load(EnvironmentVariables env, Environment environment, Funnels funnels) {
        int concurrency = env.integer("WEBHOOK_CONCURRENCY", 8, 1, 256);
        List<WebhookEndpoint> endpoints = json(env)
                .map(json -> endpoints(json.variable, json.text, env, environment, funnels))
                .orElse(List.of());
        return new WebhookSettings(endpoints, concurrency, Math.max(1, concurrency / 2),
                env.integer("WEBHOOK_MAX_ATTEMPTS", 15, 1, 100),
                Duration.ofMillis(env.integer("WEBHOOK_RETRY_BASE_MS", 5_000, 10, 3_600_000)),
                Duration.ofMillis(env.integer("WEBHOOK_RETRY_MAX_MS", 6 * 3_600_000, 10, 86_400_000)),
                Duration.ofMillis(env.integer("WEBHOOK_TIMEOUT_MS", 10_000, 100, 60_000)),
                Duration.ofMillis(env.integer("WEBHOOK_POLL_INTERVAL_MS", 1_000, 10, 600_000)),
                // delivered payloads hold personal data: kept for looking into a receiver's complaint, not for ever
                Duration.ofDays(env.integer("WEBHOOK_RETENTION_DAYS", 30, 1, 3650)));
    }

    private record Source(String variable, String text) {
    }

    private static Optional<Source> json(EnvironmentVariables env) {
        Optional<String> file = env.get("WEBHOOKS_FILE");
        Optional<String> inline = env.get("WEBHOOKS");
        if (file.isPresent() && inline.isPresent()) {
            env.problem("WEBHOOKS", "set either WEBHOOKS or WEBHOOKS_FILE, not both");
            return Optional.empty();
        }
        if (file.isPresent()) {
            try {
                return Optional.of(new Source("WEBHOOKS_FILE", Files.readString(Path.of(file.get()), StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException unreadable) {
                env.problem("WEBHOOKS_FILE", "file not found or not readable");
                return Optional.empty();
            }
        }
        return inline.map(text -> new Source("WEBHOOKS", text));
    }

    private static List<WebhookEndpoint> endpoints(String variable, String text, EnvironmentVariables env,
                                                   Environment environment, Funnels funnels) {
        WebhooksJson raw;
        try {
            raw = new ObjectMapper()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(text, WebhooksJson.class);
        } catch (UnrecognizedPropertyException unknown) {
            env.problem(variable, "unknown key \"" + unknown.getPropertyName() + "\"");
            return List.of();
        } catch (Exception malformed) {
            env.problem(variable, "not valid JSON of the form {\"endpoints\": [{\"id\": ..., \"url\": ..., "
                    + "\"events\": [...], \"secret_env\": ...}]}");
            return List.of();
        }
        Set<String> ids = new HashSet<>();
        Set<String> waitlists = funnels.waitlists().stream().map(Waitlist::slug).collect(Collectors.toSet());
        Set<String> forms = funnels.forms().stream().map(ContactForm::slug).collect(Collectors.toSet());
        List<WebhookEndpoint> endpoints = new java.util.ArrayList<>();
        for (EndpointJson e : raw.endpoints() == null ? List.<EndpointJson>of() : raw.endpoints()) {
            String where = variable + ": endpoint \"" + e.id() + "\"";
            if (e.id() == null || !ID.matcher(e.id()).matches()) {
                env.problem(where, "id must be lowercase letters, digits, - and _ (at most 64)");
                continue;
            }
            if (!ids.add(e.id())) {
                env.problem(where, "is defined twice");
                continue;
            }
            Optional<URI> url = url(e.url(), environment, where, env);
            Set<WebhookEvent> events = events(e.events(), where, env);
            Optional<Set<String>> waitlistScope = scope(e.waitlists(), waitlists, "waitlist", where, env);
            Optional<Set<String>> formScope = scope(e.forms(), forms, "form", where, env);
            Optional<WebhookSigner> signer = signer(e.secretEnv(), where, env);
            if (url.isPresent() && signer.isPresent() && !events.isEmpty()) {
                endpoints.add(new WebhookEndpoint(e.id(), url.get(), waitlistScope, formScope, events, signer.get()));
            }
        }
        return List.copyOf(endpoints);
    }

    private static Optional<URI> url(String value, Environment environment, String where, EnvironmentVariables env) {
        try {
            URI url = new URI(value == null ? "" : value);
            boolean https = "https".equals(url.getScheme());
            if (url.getHost() == null || !(https || "http".equals(url.getScheme()))) {
                env.problem(where, "url must be an absolute http(s) URL");
                return Optional.empty();
            }
            if (!https && !environment.allowsEmbeddedDefaults()) {
                // the payloads carry personal data and the signatures do not hide it
                env.problem(where, "url must use https when APP_ENV=" + environment.id());
                return Optional.empty();
            }
            return Optional.of(url);
        } catch (Exception malformed) {
            env.problem(where, "url must be an absolute http(s) URL");
            return Optional.empty();
        }
    }

    private static Set<WebhookEvent> events(List<String> names, String where, EnvironmentVariables env) {
        if (names == null || names.isEmpty()) {
            env.problem(where, "events must list at least one of " + knownEvents());
            return Set.of();
        }
        Set<WebhookEvent> events = EnumSet.noneOf(WebhookEvent.class);
        for (String name : names) {
            WebhookEvent.byType(name == null ? "" : name).ifPresentOrElse(events::add,
                    () -> env.problem(where, "unknown event \"" + name + "\"; known: " + knownEvents()));
        }
        return events;
    }

    private static String knownEvents() {
        return java.util.Arrays.stream(WebhookEvent.values()).map(WebhookEvent::type).collect(Collectors.joining(", "));
    }

    /** Absent: every funnel of the kind; a list: those only (an empty list: none). */
    private static Optional<Set<String>> scope(List<String> slugs, Set<String> known, String kind, String where,
                                               EnvironmentVariables env) {
        if (slugs == null) {
            return Optional.empty();
        }
        Set<String> scope = new LinkedHashSet<>();
        for (String slug : slugs) {
            if (!known.contains(slug)) {
                env.problem(where, "no " + kind + " \"" + slug + "\" in FUNNELS");
            } else {
                scope.add(slug);
            }
        }
        return Optional.of(Set.copyOf(scope));
    }

    private static Optional<WebhookSigner> signer(String variable, String where, EnvironmentVariables env) {
        if (variable == null || !VARIABLE.matcher(variable).matches()) {
            env.problem(where, "secret_env must name the environment variable that holds the endpoint's secret");
            return Optional.empty();
        }
        Optional<Secret> secret = env.secret(variable);
        if (secret.isEmpty()) {
            env.missing(variable, "the secret of webhook endpoint in " + where + "; whsec_ and base64 of 24-64 random bytes");
            return Optional.empty();
        }
        Optional<WebhookSigner> signer = WebhookSigner.parse(secret.get().reveal());
        if (signer.isEmpty()) {
            // never the value: it is a secret, however malformed
            env.problem(variable, "must be one or more space-separated secrets of the form whsec_<base64 of 24-64 bytes>");
        }
        return signer;
    }
}
