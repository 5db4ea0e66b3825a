package dev.launchline;

import dev.launchline.funnel.Funnels;
import dev.launchline.admin.AdminSettings;
import dev.launchline.bots.BotDefenceSettings;
import dev.launchline.config.ConfigException;
import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.config.SecretStrength;
import dev.launchline.db.DatabaseSettings;
import dev.launchline.edge.EdgeSettings;
import dev.launchline.embedded.EmbeddedDefaults;
import dev.launchline.health.HealthSettings;
import dev.launchline.http.HttpSettings;
import dev.launchline.mail.OutboxSettings;
import dev.launchline.suppression.SuppressionSettings;
import dev.launchline.webhook.WebhookSettings;
import dev.launchline.mail.SmtpSettings;
import dev.launchline.ratelimit.RateLimitSettings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything the service is configured with, read once from the environment. Each part reads its
 * own variables in its own {@code *Settings} (next to the code that uses them); this record only
 * composes them and holds what belongs to no single part. Loading fails with every problem at
 * once, each naming the variable and never its value. Staging and production never fall back to
 * anything embedded: a missing database is an error there.
 */
public record Config(
        Environment environment,
        HttpSettings http,
        URI publicBaseUrl,
        Optional<DatabaseSettings> database,
        Optional<SmtpSettings> smtp,
        String mailFrom,
        Optional<Secret> tokenSigningKey,
        Optional<Secret> previousTokenSigningKey,
        Funnels funnels,
        OutboxSettings outbox,
        Duration resendCooldown,
        Duration confirmationTokenTtl,
        Path dataDir,
        boolean migrateOnStart,
        Optional<Path> emailTemplatesDir,
        EdgeSettings edge,
        RateLimitSettings rateLimits,
        BotDefenceSettings bots,
        AdminSettings admin,
        Optional<Secret> sentryDsn,
        List<Secret> metricsTokens,
        HealthSettings health,
        WebhookSettings webhooks,
        SuppressionSettings suppression) {

    public static final int EXIT_CONFIG = ConfigException.EXIT_CODE;

    public static Config load(EnvironmentVariables env) {
        String appEnv = env.get("APP_ENV", "dev").toLowerCase(Locale.ROOT);
        Environment environment = Environment.parse(appEnv).orElseGet(() -> {
            env.problem("APP_ENV", "must be one of dev, test, staging, production");
            return Environment.PRODUCTION; // judge the rest by the strictest rules
        });
        boolean embeddedAllowed = environment.allowsEmbeddedDefaults();
        String requiredWhy = "required when APP_ENV=" + environment.id();

        HttpSettings http = HttpSettings.load(env, environment);
        URI publicBaseUrl = publicBaseUrl(env, environment, http.port());

        Optional<String> required = embeddedAllowed ? Optional.empty() : Optional.of(requiredWhy);
        Optional<DatabaseSettings> database = DatabaseSettings.load(env, required);
        Optional<SmtpSettings> smtp = SmtpSettings.load(env, environment, required);
        if (embeddedAllowed && !EmbeddedDefaults.available()) {
            // the production jar: dev and test may still run it, but only against real parts
            database.ifPresentOrElse(given -> { }, () -> env.missing("DATABASE_URL", EmbeddedDefaults.NOT_IN_THIS_BUILD));
            smtp.ifPresentOrElse(given -> { }, () -> env.missing("SMTP_HOST", EmbeddedDefaults.NOT_IN_THIS_BUILD));
        }

        String mailFrom = env.get("MAIL_FROM").orElse(null);
        if (mailFrom == null) {
            if (!embeddedAllowed) {
                env.missing("MAIL_FROM", requiredWhy);
            }
            mailFrom = "Launchline <hello@launchline.localhost>";
        } else {
            try {
                new InternetAddress(mailFrom, true);
            } catch (AddressException malformed) {
                env.problem("MAIL_FROM", "must be an address such as \"Acme <hello@acme.com>\"");
            }
        }

        Optional<Secret> signingKey = env.secret("TOKEN_SIGNING_KEY");
        Optional<Secret> previousKey = env.secret("TOKEN_SIGNING_KEY_PREVIOUS");
        if (signingKey.isEmpty() && !embeddedAllowed) {
            env.missing("TOKEN_SIGNING_KEY", requiredWhy + "; at least 32 random characters");
        }
        SecretStrength.check(env, "TOKEN_SIGNING_KEY", signingKey);
        SecretStrength.check(env, "TOKEN_SIGNING_KEY_PREVIOUS", previousKey);

        Funnels funnels = funnels(env, embeddedAllowed, requiredWhy, publicBaseUrl);

        OutboxSettings outbox = OutboxSettings.load(env);
        // a sender holds its batch on one pooled connection and marks each email over another
        database.filter(settings -> outbox.senders() * 2 > settings.poolSize()).ifPresent(settings ->
                env.problem("OUTBOX_SENDERS", "each mail sender uses two database connections while it sends;"
                        + " at most half of DATABASE_POOL_SIZE (" + settings.poolSize() + ")"));

        Duration cooldown = Duration.ofSeconds(env.integer("RESEND_COOLDOWN_SECONDS", 600, 0, 86_400 * 7));
        Duration tokenTtl = Duration.ofHours(env.integer("CONFIRMATION_TOKEN_TTL_HOURS", 72, 1, 24 * 90));
        Path dataDir = Path.of(env.get("EMBEDDED_DATA_DIR", ".launchline")).toAbsolutePath();
        boolean migrateOnStart = env.bool("MIGRATE_ON_START", true);
        // Main picks the logback configuration from it before anything logs; checked here so a typo fails the start
        String logFormat = env.get("LOG_FORMAT", embeddedAllowed ? "text" : "json");
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            env.problem("LOG_FORMAT", "must be text or json");
        }
        Optional<Path> templates = env.get("EMAIL_TEMPLATES_DIR").map(Path::of);
        templates.filter(dir -> !Files.isDirectory(dir))
                .ifPresent(dir -> env.problem("EMAIL_TEMPLATES_DIR", "is not a directory"));

        // each feature reads its own variables, next to the code that uses them
        EdgeSettings edge = EdgeSettings.load(env, environment);
        RateLimitSettings rateLimits = RateLimitSettings.load(env, environment);
        BotDefenceSettings bots = BotDefenceSettings.load(env, environment);
        AdminSettings admin = AdminSettings.load(env, environment);
        HealthSettings health = HealthSettings.load(env, environment);
        WebhookSettings webhooks = WebhookSettings.load(env, environment, funnels);
        SuppressionSettings suppression = SuppressionSettings.load(env, environment);
        Optional<Secret> sentryDsn = env.secret("SENTRY_DSN");
        Optional<Secret> metricsToken = env.secret("METRICS_TOKEN");
        SecretStrength.check(env, "METRICS_TOKEN", metricsToken);
        // during a rotation Prometheus may still send the previous token (runbooks/rotate-secrets.md)
        Optional<Secret> previousMetricsToken = env.secret("METRICS_TOKEN_PREVIOUS");
        SecretStrength.check(env, "METRICS_TOKEN_PREVIOUS", previousMetricsToken);
        if (previousMetricsToken.isPresent() && metricsToken.isEmpty()) {
            env.problem("METRICS_TOKEN_PREVIOUS", "set METRICS_TOKEN too: the previous token is only accepted beside the current one");
        }
        List<Secret> metricsTokens = Stream.of(metricsToken, previousMetricsToken).flatMap(Optional::stream).toList();
        sentryDsn.filter(dsn -> !dsn.reveal().matches("https?://[^@/\\s]+@[^/\\s]+/\\S*\\d+"))
                .ifPresent(dsn -> env.problem("SENTRY_DSN", "must be a DSN such as https://<key>@o0.ingest.sentry.io/<project>"));

        if (!env.problems().isEmpty()) {
            throw new ConfigException(env.problems());
        }
        return new Config(environment, http, publicBaseUrl, database, smtp, mailFrom, signingKey,
                previousKey, funnels, outbox, cooldown, tokenTtl, dataDir, migrateOnStart,
                templates, edge, rateLimits, bots, admin,
                sentryDsn, metricsTokens, health, webhooks, suppression);
    }

    private static URI publicBaseUrl(EnvironmentVariables env, Environment environment, int port) {
        Optional<String> raw = env.get("PUBLIC_BASE_URL");
        if (raw.isEmpty()) {
            if (!environment.allowsEmbeddedDefaults()) {
                env.missing("PUBLIC_BASE_URL", "required when APP_ENV=" + environment.id()
                        + "; the https URL the service is reached at, used in email links");
            }
            return URI.create("http://localhost:" + port);
        }
        String value = raw.get().replaceAll("/+$", "");
        try {
            URI uri = new URI(value);
            boolean https = "https".equals(uri.getScheme());
            if (uri.getHost() == null || !(https || "http".equals(uri.getScheme()))) {
                env.problem("PUBLIC_BASE_URL", "must be an absolute http(s) URL");
            } else if (environment == Environment.PRODUCTION && !https) {
                env.problem("PUBLIC_BASE_URL", "must use https when APP_ENV=production");
            }
            return uri;
        } catch (Exception malformed) {
            env.problem("PUBLIC_BASE_URL", "must be an absolute http(s) URL");
            return URI.create("http://localhost:" + port);
        }
    }

    private static Funnels funnels(EnvironmentVariables env, boolean embeddedAllowed, String why, URI base) {
        Optional<String> file = env.get("FUNNELS_FILE");
        Optional<String> inline = env.get("FUNNELS");
        if (file.isPresent() && inline.isPresent()) {
            env.problem("FUNNELS", "set either FUNNELS or FUNNELS_FILE, not both");
        }
        if (file.isPresent()) {
            try {
                return Funnels.parse(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8), "FUNNELS_FILE", env);
            } catch (IOException | RuntimeException unreadable) {
                env.problem("FUNNELS_FILE", "file not found or not readable");
                return Funnels.devDefault(base);
            }
        }
        if (inline.isPresent()) {
            return Funnels.parse(inline.get(), "FUNNELS", env);
        }
        if (!embeddedAllowed) {
            env.missing("FUNNELS_FILE", why + "; the JSON file that defines your waitlists and forms");
        }
        return Funnels.devDefault(base);
    }
}
