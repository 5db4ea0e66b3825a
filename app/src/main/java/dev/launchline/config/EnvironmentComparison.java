package dev.launchline.config;

import dev.launchline.Config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code check-config --compare staging.env production.env}: are two environments kept apart?
 * They must not share a database, a token signing key, an origin-lock secret, a metrics token or
 * a Turnstile widget (a staging bug must never touch real leads; a link signed on staging must
 * never work on production); production must be reached over https and send mail over TLS. Each
 * file is also checked on its own, as check-config does. What differs is listed by name only:
 * no value, and no part of one, is ever printed.
 */
public final class EnvironmentComparison {
    /** Secrets that must differ, each with what sharing it would mean. */
    private static final List<String[]> NOT_SHARED = List.of(
            new String[] {"TOKEN_SIGNING_KEY", "links signed in one environment would work in the other"},
            new String[] {"ORIGIN_LOCK_SECRET", "one environment's edge could reach the other's origin"},
            new String[] {"METRICS_TOKEN", "one environment's scraper could read the other's metrics"},
            new String[] {"TURNSTILE_SECRET_KEY", "one Turnstile widget for both: tokens solved on one pass on the other"});

    public record Report(List<String> lines, int problems) {
    }

    private EnvironmentComparison() {
    }

    public static Report compare(String nameA, EnvironmentVariables a, String nameB, EnvironmentVariables b) {
        List<String> lines = new ArrayList<>();
        int problems = 0;
        problems += checkOnItsOwn(nameA, a, lines);
        problems += checkOnItsOwn(nameB, b, lines);

        Optional<String> databaseA = database(a);
        Optional<String> databaseB = database(b);
        if (databaseA.isPresent() && databaseA.equals(databaseB)) {
            lines.add("  SHARED   DATABASE_URL: both use " + databaseA.get() + ": a staging bug would change real leads");
            problems++;
        } else {
            lines.add("  ok       DATABASE_URL: different databases");
        }
        for (String[] secret : NOT_SHARED) {
            Optional<String> valueA = a.secret(secret[0]).map(Secret::reveal);
            Optional<String> valueB = b.secret(secret[0]).map(Secret::reveal);
            if (valueA.isPresent() && valueA.equals(valueB)) {
                lines.add("  SHARED   " + secret[0] + ": the same value in both: " + secret[1]);
                problems++;
            } else {
                lines.add("  ok       " + secret[0] + ": " + (valueA.isEmpty() && valueB.isEmpty() ? "set in neither" : "not shared"));
            }
        }

        Set<String> onlyA = new TreeSet<>(a.names());
        onlyA.removeAll(b.names());
        Set<String> onlyB = new TreeSet<>(b.names());
        onlyB.removeAll(a.names());
        Set<String> differing = new TreeSet<>();
        for (String name : a.names()) {
            if (b.names().contains(name) && !Objects.equals(a.get(name), b.get(name))) {
                differing.add(name);
            }
        }
        lines.add("  only in " + nameA + ": " + (onlyA.isEmpty() ? "-" : String.join(", ", onlyA)));
        lines.add("  only in " + nameB + ": " + (onlyB.isEmpty() ? "-" : String.join(", ", onlyB)));
        lines.add("  set in both, different values: " + (differing.isEmpty() ? "-" : String.join(", ", differing)));
        return new Report(lines, problems);
    }

    /** Valid on its own; and production over https, with mail over TLS. */
    private static int checkOnItsOwn(String name, EnvironmentVariables env, List<String> lines) {
        int problems = 0;
        String environment = env.get("APP_ENV", "development").toLowerCase(Locale.ROOT);
        lines.add("launchline: " + name + " (APP_ENV=" + environment + ")");
        if (!env.problems().isEmpty()) {
            env.problems().forEach(problem -> lines.add("  INVALID  " + problem));
            return env.problems().size();
        }
        List<String> invalid = List.of();
        try {
            Config.load(env);
            lines.add("  ok       valid on its own");
        } catch (ConfigException refused) {
            invalid = refused.problems();
            invalid.forEach(problem -> lines.add("  INVALID  " + problem));
            problems += invalid.size();
        }
        if (environment.equals("production")) {
            String base = env.get("PUBLIC_BASE_URL", "");
            if (!base.startsWith("https://") && invalid.stream().noneMatch(problem -> problem.startsWith("PUBLIC_BASE_URL"))) {
                lines.add("  INSECURE PUBLIC_BASE_URL: production must be reached over https");
                problems++;
            }
            String smtp = env.get("SMTP_SECURITY", "starttls").toLowerCase(Locale.ROOT);
            if (!smtp.equals("starttls") && !smtp.equals("tls")
                    && invalid.stream().noneMatch(problem -> problem.startsWith("SMTP_SECURITY"))) {
                lines.add("  INSECURE SMTP_SECURITY: production sends mail over starttls or tls, not " + smtp);
                problems++;
            }
        }
        return problems;
    }

    /** host:port/database of DATABASE_URL (no credential: those are refused in the URL anyway). */
    private static Optional<String> database(EnvironmentVariables env) {
        return env.get("DATABASE_URL").map(url -> {
            try {
                URI uri = URI.create(url.replaceFirst("^jdbc:", ""));
                int port = uri.getPort() == -1 ? 5432 : uri.getPort();
                return String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port + uri.getPath();
            } catch (IllegalArgumentException unparsable) {
                return "(unparsable DATABASE_URL)";
            }
        });
    }
}
