package dev.launchline;

import dev.launchline.admin.AdminSettings;
import dev.launchline.bots.BotDefenceSettings;
import dev.launchline.config.ConfigException;
import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Funnels;
import dev.launchline.config.Secret;
import dev.launchline.edge.EdgeSettings;
import dev.launchline.embedded.EmbeddedDefaults;
import dev.launchline.health.HealthSettings;
import dev.launchline.ratelimit.RateLimitSettings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything the service is configured with, read once from the environment. Loading fails
 * with every problem at once, each naming the variable and never its value. Staging and
 * production never fall back to anything embedded: a missing database is an error there.
 */
public record Config(
        Environment environment,
        String bindHost,
        int port,
        Http http,
        URI publicBaseUrl,
        Optional<Database> database,
        Optional<Smtp> smtp,
        String mailFrom,
        Optional<Secret> tokenSigningKey,
        Optional<Secret> previousTokenSigningKey,
        Funnels funnels,
        Outbox outbox,
        Duration resendCooldown,
        Duration confirmationTokenTtl,
        Path dataDir,
        boolean migrateOnStart,
        boolean jsonLogs,
        Optional<Path> emailTemplatesDir,
        EdgeSettings edge,
        RateLimitSettings rateLimits,
        BotDefenceSettings bots,
        AdminSettings admin,
        Optional<Secret> sentryDsn,
        Optional<Secret> metricsToken,
        HealthSettings health) {

    /**
     * An external PostgreSQL. Empty in dev/test means "start the embedded one". The migration
     * user, when set, owns the schema and runs the migrations; the service's own user then
     * only reads and writes rows (app/config/database-roles.sql).
     */
    public record Database(String jdbcUrl, Optional<String> user, Optional<Secret> password, int poolSize,
                           Optional<String> migrationUser, Optional<Secret> migrationPassword) {

        public Optional<dev.launchline.db.Database.MigrationRole> migrationRole() {
            return migrationUser.map(name -> new dev.launchline.db.Database.MigrationRole(name,
                    migrationPassword.map(Secret::reveal)));
        }
    }

    /** An external SMTP server. Empty in dev/test means "start the in-process capturing one". */
    public record Smtp(String host, int port, Optional<String> username, Optional<Secret> password,
                       Security security, Duration timeout) {
        public enum Security { NONE, STARTTLS, TLS }
    }

    /** How the mail worker delivers and retries. */
    /**
     * @param threads    Jetty's thread pool (HTTP_THREADS); four fewer requests run at once, so a few
     *                   threads are always free to read new requests and turn them away when need be
     * @param queueMax   requests that may wait for a turn (REQUEST_QUEUE_MAX); more get 503 at once
     * @param queueWait  how long one may wait (REQUEST_QUEUE_WAIT_MS) before it gets 503
     * @param maxConnections open connections (MAX_CONNECTIONS); past it no new one is accepted
     *                   until one closes (they wait in the kernel's backlog, then time out)
     */
    public record Http(int threads, int queueMax, Duration queueWait, int maxConnections) {
        public int activeRequests() {
            return threads - 4;
        }
    }

    /**
     * @param shareWhenBusy percent of its time a sender may spend sending while requests are
     *                      queueing for a slot; 100 never gives way
     */
    public record Outbox(int maxAttempts, Duration pollInterval, int batchSize, Duration retryBase, Duration retryMax,
                         int senders, int shareWhenBusy) {
        /** One sender that never gives way, as the tests that build a worker by hand want. */
        public Outbox(int maxAttempts, Duration pollInterval, int batchSize, Duration retryBase, Duration retryMax) {
            this(maxAttempts, pollInterval, batchSize, retryBase, retryMax, 1, 100);
        }
    }

    public static final int EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h

    public static Config load(EnvironmentVariables env) {
        String appEnv = env.get("APP_ENV", "dev").toLowerCase(Locale.ROOT);
        Environment environment = Environment.parse(appEnv).orElseGet(() -> {
            env.problem("APP_ENV", "must be one of dev, test, staging, production");
            return Environment.PRODUCTION; // judge the rest by the strictest rules
        });
        boolean embeddedAllowed = environment.allowsEmbeddedDefaults();
        String requiredWhy = "required when APP_ENV=" + environment.id();

        int port = env.integer("PORT", 8080, 1, 65535);
        // Requests are short and mostly wait on PostgreSQL (the pool, a commit's fsync): a few dozen
        // at once keep the cores busy. Jetty's default of 200-odd let a spike pile up hundreds of
        // threads until the heap ran out (issue 5); now past HTTP_THREADS - 4 at once requests wait
        // without a thread, bounded by REQUEST_QUEUE_MAX and REQUEST_QUEUE_WAIT_MS. 32 threads were
        // too few: under Gatling at 500 signups/s, p95 357 ms with 32 and 73 ms with 64.
        int httpThreads = env.integer("HTTP_THREADS", 64, 8, 1000);
        // Past what the threads can take, requests wait without a thread; these bound that wait, so an
        // overload is answered "503 overloaded, retry" in microseconds instead of piling up (see OverloadShedding).
        Http http = new Http(httpThreads, env.integer("REQUEST_QUEUE_MAX", 1000, 0, 1_000_000),
                Duration.ofMillis(env.integer("REQUEST_QUEUE_WAIT_MS", 2000, 10, 60_000)),
                env.integer("MAX_CONNECTIONS", 1000, 16, 1_000_000));
        String bindHost = env.get("BIND_HOST", embeddedAllowed ? "127.0.0.1" : "0.0.0.0");
        URI publicBaseUrl = publicBaseUrl(env, environment, port);

        Optional<Database> database = database(env, embeddedAllowed, requiredWhy);
        Optional<Smtp> smtp = smtp(env, embeddedAllowed, requiredWhy);
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
        signingKey.filter(key -> key.reveal().length() < 32)
                .ifPresent(key -> env.problem("TOKEN_SIGNING_KEY", "too short: use at least 32 random characters"));
        previousKey.filter(key -> key.reveal().length() < 32)
                .ifPresent(key -> env.problem("TOKEN_SIGNING_KEY_PREVIOUS", "too short: use at least 32 random characters"));

        Funnels funnels = funnels(env, embeddedAllowed, requiredWhy, publicBaseUrl);

        Outbox outbox = new Outbox(
                env.integer("OUTBOX_MAX_ATTEMPTS", 10, 1, 100),
                Duration.ofMillis(env.integer("OUTBOX_POLL_INTERVAL_MS", 1000, 10, 600_000)),
                env.integer("OUTBOX_BATCH_SIZE", 50, 1, 1000),
                Duration.ofMillis(env.integer("OUTBOX_RETRY_BASE_MS", 30_000, 10, 3_600_000)),
                Duration.ofMillis(env.integer("OUTBOX_RETRY_MAX_MS", 3_600_000, 10, 86_400_000)),
                env.integer("OUTBOX_SENDERS", 2, 1, 64),
                env.integer("OUTBOX_SHARE_WHEN_BUSY", 20, 1, 100));

        Duration cooldown = Duration.ofSeconds(env.integer("RESEND_COOLDOWN_SECONDS", 600, 0, 86_400 * 7));
        Duration tokenTtl = Duration.ofHours(env.integer("CONFIRMATION_TOKEN_TTL_HOURS", 72, 1, 24 * 90));
        Path dataDir = Path.of(env.get("EMBEDDED_DATA_DIR", ".launchline")).toAbsolutePath();
        boolean migrateOnStart = env.bool("MIGRATE_ON_START", true);
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
        Optional<Secret> sentryDsn = env.secret("SENTRY_DSN");
        Optional<Secret> metricsToken = env.secret("METRICS_TOKEN");
        metricsToken.filter(token -> token.reveal().length() < 32)
                .ifPresent(token -> env.problem("METRICS_TOKEN", "too short: use at least 32 random characters"));
        sentryDsn.filter(dsn -> !dsn.reveal().matches("https?://[^@/\\s]+@[^/\\s]+/\\S*\\d+"))
                .ifPresent(dsn -> env.problem("SENTRY_DSN", "must be a DSN such as https://<key>@o0.ingest.sentry.io/<project>"));

        if (!env.problems().isEmpty()) {
            throw new ConfigException(env.problems());
        }
        return new Config(environment, bindHost, port, http, publicBaseUrl, database, smtp, mailFrom, signingKey,
                previousKey, funnels, outbox, cooldown, tokenTtl, dataDir, migrateOnStart,
                logFormat.equals("json"), templates, edge, rateLimits, bots, admin,
                sentryDsn, metricsToken, health);
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

    private static Optional<Database> database(EnvironmentVariables env, boolean embeddedAllowed, String why) {
        Optional<String> url = env.get("DATABASE_URL");
        Optional<Secret> password = env.secret("DATABASE_PASSWORD");
        int poolSize = env.integer("DATABASE_POOL_SIZE", 10, 1, 200);
        if (url.isEmpty()) {
            if (!embeddedAllowed) {
                env.missing("DATABASE_URL", why + "; e.g. jdbc:postgresql://db.internal:5432/launchline");
            }
            return Optional.empty();
        }
        if (!url.get().startsWith("jdbc:postgresql://")) {
            env.problem("DATABASE_URL", "must start with jdbc:postgresql://");
        } else if (url.get().toLowerCase(Locale.ROOT).contains("password=")) {
            // a password inside the URL ends up in connection-pool logs and error messages
            env.problem("DATABASE_URL", "must not contain the password; set DATABASE_PASSWORD instead");
        }
        Optional<String> migrationUser = env.get("DATABASE_MIGRATION_USER");
        Optional<Secret> migrationPassword = env.secret("DATABASE_MIGRATION_PASSWORD");
        if (migrationPassword.isPresent() && migrationUser.isEmpty()) {
            env.problem("DATABASE_MIGRATION_PASSWORD", "set DATABASE_MIGRATION_USER too");
        }
        return Optional.of(new Database(url.get(), env.get("DATABASE_USER"), password, poolSize, migrationUser,
                migrationPassword));
    }

    private static Optional<Smtp> smtp(EnvironmentVariables env, boolean embeddedAllowed, String why) {
        Optional<String> host = env.get("SMTP_HOST");
        Optional<Secret> password = env.secret("SMTP_PASSWORD");
        int port = env.integer("SMTP_PORT", 587, 1, 65535);
        int timeoutMs = env.integer("SMTP_TIMEOUT_MS", 10_000, 100, 300_000);
        String security = env.get("SMTP_SECURITY", "starttls").toUpperCase(Locale.ROOT);
        Smtp.Security parsedSecurity = Smtp.Security.STARTTLS;
        try {
            parsedSecurity = Smtp.Security.valueOf(security);
        } catch (IllegalArgumentException unknown) {
            env.problem("SMTP_SECURITY", "must be one of starttls, tls, none");
        }
        if (host.isEmpty()) {
            if (!embeddedAllowed) {
                env.missing("SMTP_HOST", why);
            }
            return Optional.empty();
        }
        return Optional.of(new Smtp(host.get(), port, env.get("SMTP_USERNAME"), password, parsedSecurity,
                Duration.ofMillis(timeoutMs)));
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
