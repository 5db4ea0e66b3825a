package dev.launchline;

import dev.launchline.admin.AdminAuditLog;
import dev.launchline.admin.AdminAuthenticator;
import dev.launchline.admin.AdminHandler;
import dev.launchline.admin.AdminLeads;
import dev.launchline.admin.AdminSignups;
import dev.launchline.admin.AdminTokenRepository;
import dev.launchline.admin.AdminTokens;
import dev.launchline.admin.AuditRepository;
import dev.launchline.bots.BotDefence;
import dev.launchline.bots.BotDefenceSettings;
import dev.launchline.bots.BotDrops;
import dev.launchline.bots.DisposableDomains;
import dev.launchline.bots.FormTokenHandler;
import dev.launchline.bots.FormTokens;
import dev.launchline.bots.ReferralGuard;
import dev.launchline.bots.TurnstileVerifier;
import dev.launchline.config.Secret;
import dev.launchline.dashboard.DashboardPage;
import dev.launchline.dashboard.DashboardStats;
import dev.launchline.dashboard.StatsHandler;
import dev.launchline.dashboard.StatsRepository;
import dev.launchline.db.Database;
import dev.launchline.db.GroupCommit;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.embedded.DevMailHandler;
import dev.launchline.devstack.DevMailServer;
import dev.launchline.devstack.EmbeddedPostgres;
import dev.launchline.embedded.EmbeddedDefaults;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.edge.OriginLock;
import dev.launchline.edge.OriginPolicy;
import dev.launchline.errors.ErrorTracking;
import dev.launchline.health.BuildInfo;
import dev.launchline.health.HealthHandler;
import dev.launchline.health.LeadCaptureHealth;
import dev.launchline.metrics.Metrics;
import dev.launchline.metrics.MetricsHandler;
import dev.launchline.metrics.DefenceCounters;
import dev.launchline.metrics.FunnelMetrics;
import dev.launchline.metrics.LeadCaptureGauges;
import dev.launchline.metrics.MailMetrics;
import dev.launchline.metrics.RateLimitMetrics;
import dev.launchline.http.OverloadShedding;
import dev.launchline.http.Pages;
import dev.launchline.lead.ContactForm;
import dev.launchline.lead.LeadHandler;
import dev.launchline.lead.LeadRepository;
import dev.launchline.lead.LeadSearchRepository;
import dev.launchline.lead.LeadService;
import dev.launchline.mail.EmailTemplates;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.mail.OutboxWorker;
import dev.launchline.mail.SmtpMailer;
import dev.launchline.ratelimit.ClientRateLimits;
import dev.launchline.ratelimit.ConfirmationMailCeiling;
import dev.launchline.ratelimit.LocalRateLimiter;
import dev.launchline.ratelimit.RateLimiter;
import dev.launchline.ratelimit.RedisRateLimiter;
import dev.launchline.ratelimit.SubmissionLimits;
import dev.launchline.smoke.SmokeSignupHandler;
import dev.launchline.smoke.SmokeSignups;
import dev.launchline.token.TokenSigner;
import dev.launchline.waitlist.EmailLinkHandler;
import dev.launchline.waitlist.SignupHandler;
import dev.launchline.waitlist.SignupRepository;
import dev.launchline.waitlist.SignupSearchRepository;
import dev.launchline.waitlist.SignupService;
import dev.launchline.waitlist.UnconfirmedSignupPurge;
import dev.launchline.waitlist.Waitlist;
import dev.launchline.waitlist.WaitlistEmails;
import dev.launchline.waitlist.Waitlists;
import io.javalin.Javalin;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running service: the wiring of every part, by hand, in one place. {@link #start} builds
 * and starts; {@link #close} stops in the reverse order - HTTP first (in-flight requests
 * finish), then the mail worker (the email in flight finishes, the rest of its batch goes
 * back to the queue), then the pool, then anything embedded.
 */
public final class Launchline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Launchline.class);

    private final Javalin http;
    private final List<OutboxWorker> workers;
    private final GroupCommit newSignups;
    private final Database database;
    private final Optional<DevMailServer> devMail;
    private final Optional<EmbeddedPostgres> embeddedPostgres;
    private final ErrorTracking errorTracking;
    private final Optional<RedisRateLimiter> redisRateLimiter;
    private final BotDrops botDrops;
    private final ScheduledExecutorService housekeeping;
    private final Metrics metrics;

    private Launchline(Javalin http, List<OutboxWorker> workers, GroupCommit newSignups, Database database, Optional<DevMailServer> devMail,
                       Optional<EmbeddedPostgres> embeddedPostgres, ErrorTracking errorTracking,
                       Optional<RedisRateLimiter> redisRateLimiter, BotDrops botDrops,
                       ScheduledExecutorService housekeeping, Metrics metrics) {
        this.metrics = metrics;
        this.errorTracking = errorTracking;
        this.botDrops = botDrops;
        this.housekeeping = housekeeping;
        this.http = http;
        this.workers = List.copyOf(workers);
        this.newSignups = newSignups;
        this.database = database;
        this.devMail = devMail;
        this.embeddedPostgres = embeddedPostgres;
        this.redisRateLimiter = redisRateLimiter;
    }

    public static Launchline start(Config config) {
        Clock clock = Clock.systemUTC();
        Optional<EmbeddedPostgres> embeddedPostgres = Optional.empty();
        Optional<DevMailServer> devMail = Optional.empty();
        BuildInfo build = BuildInfo.load();
        // first, so that whatever fails from here on can be reported
        ErrorTracking errorTracking = ErrorTracking.start(config.sentryDsn().map(Secret::reveal), build.release(),
                config.environment().id());
        Optional<RedisRateLimiter> redisRateLimiter = Optional.empty();
        Optional<GroupCommit> newSignups = Optional.empty();
        BotDrops botDrops = new BotDrops();
        Metrics metrics = new Metrics(build.release(), config.environment().id());
        config.bots().requireHoneypotUnused(config.funnels()); // before anything is started that would need stopping
        try {
            // --- the embedded default (dev/test only; Config refuses it elsewhere) ---
            if (config.database().isEmpty()) {
                embeddedPostgres = Optional.of(EmbeddedDefaults.startPostgres(config.dataDir()));
            }
            Config.Smtp smtp = config.smtp().orElse(null);
            if (smtp == null) {
                devMail = Optional.of(EmbeddedDefaults.startMail());
                smtp = new Config.Smtp("127.0.0.1", devMail.get().port(), Optional.empty(), Optional.empty(),
                        Config.Smtp.Security.NONE, Duration.ofSeconds(5));
            }

            // --- storage ---
            Config.Database db = config.database().orElse(null);
            Database database = db != null
                    ? new Database(db.jdbcUrl(), db.user(), db.password().map(Secret::reveal), db.poolSize(),
                            Optional.of(metrics.registry()))
                    : new Database(EmbeddedDefaults.jdbcUrl(embeddedPostgres.orElseThrow()),
                            Optional.of("postgres"), Optional.empty(), 10, Optional.of(metrics.registry()));
            if (config.migrateOnStart()) {
                database.migrate(db == null ? Optional.empty() : db.migrationRole());
            }

            // --- rate limits: shared through Redis when configured, this instance's memory otherwise and as fallback ---
            LocalRateLimiter localRateLimiter = new LocalRateLimiter(100_000);
            redisRateLimiter = config.rateLimits().redis().map(redis -> RedisRateLimiter.start(redis, localRateLimiter));
            RateLimiter rateLimiter = redisRateLimiter.<RateLimiter>map(redis -> redis).orElse(localRateLimiter);
            RateLimitMetrics rateLimitMetrics = new RateLimitMetrics(metrics.registry());
            SubmissionLimits submissionLimits = new SubmissionLimits(rateLimiter, config.rateLimits(), rateLimitMetrics);

            // --- mail ---
            Secret signingKey = config.tokenSigningKey().orElseGet(() -> devSigningKey(config.dataDir()));
            TokenSigner tokens = new TokenSigner(signingKey, config.previousTokenSigningKey(), clock);
            EmailTemplates templates = new EmailTemplates(config.emailTemplatesDir());
            OutboxRepository outbox = new OutboxRepository(database.dsl(), domainOf(config.mailFrom()), clock);
            ConfirmationMailCeiling confirmationCeiling = new ConfirmationMailCeiling(rateLimiter, config.rateLimits());
            OutboxWorker.DeadLetterListener mailProblems = new OutboxWorker.DeadLetterListener() {
                @Override
                public void deadLettered(OutboxEmailRecord email, String reason) {
                    errorTracking.emailDeadLettered(email.getKind(), email.getId(), reason);
                }

                @Override
                public void batchFailed(RuntimeException error) {
                    errorTracking.backgroundFailed(error, "outbox-worker");
                }
            };
            // several senders claim their own batches side by side (SKIP LOCKED), each on its own SMTP
            // connection: one sender is bound by round trips to the SMTP server, not by CPU
            MailMetrics mailMetrics = new MailMetrics(metrics.registry());
            // built here rather than with the other HTTP parts: the senders give way while requests queue at it
            OverloadShedding shedding = new OverloadShedding(config.http(), metrics.registry());
            List<OutboxWorker> workers = new ArrayList<>();
            for (int i = 0; i < config.outbox().senders(); i++) {
                workers.add(new OutboxWorker(outbox, new SmtpMailer(smtp), config.outbox(), workerId(), mailProblems,
                        confirmationCeiling, mailMetrics, shedding::getTotalSuspendedRequestCount));
            }
            Runnable mailQueued = () -> workers.forEach(OutboxWorker::nudge);

            // --- bot defence ---
            BotDefenceSettings botSettings = config.bots();
            FormTokens formTokens = new FormTokens(tokens, botSettings.minFillTime(), botSettings.formTokenMaxAge(), clock);
            BotDefence bots = new BotDefence(botSettings, formTokens,
                    botSettings.turnstileSecret().map(secret -> new TurnstileVerifier(secret,
                            botSettings.turnstileVerifyUrl(), botSettings.turnstileTimeout())),
                    botSettings.blockDisposableDomains()
                            ? DisposableDomains.load(botSettings.disposableDomainsFile(), botSettings.extraDisposableDomains())
                            : DisposableDomains.none(),
                    botDrops);
            ReferralGuard referralGuard = new ReferralGuard(signingKey, botSettings.referralSameNetworkWindow());
            DefenceCounters.bind(metrics.registry(), botDrops, submissionLimits, confirmationCeiling, redisRateLimiter);

            // --- funnels ---
            Waitlists waitlists = new Waitlists(config.funnels().waitlists());
            FunnelMetrics funnelMetrics = new FunnelMetrics(metrics.registry(),
                    config.funnels().waitlists().stream().map(Waitlist::slug).toList(),
                    config.funnels().forms().stream().map(ContactForm::slug).toList());
            WaitlistEmails waitlistEmails = new WaitlistEmails(templates, tokens, config.publicBaseUrl(),
                    config.mailFrom(), config.confirmationTokenTtl(), clock);
            // a launch spike's new signups, committed together: see GroupCommit for why and what it measured
            newSignups = Optional.of(new GroupCommit("new_signup", database.dsl(), SignupRepository.INSERT_IF_NEW_WITH_EMAIL,
                    2, metrics.registry()));
            SignupService signups = new SignupService(database.dsl(), new SignupRepository(), outbox, waitlistEmails,
                    tokens, waitlists, config.resendCooldown(), mailQueued, clock, referralGuard,
                    funnelMetrics, newSignups.get());
            LeadService leads = new LeadService(database.dsl(), new LeadRepository(), outbox, templates,
                    config.mailFrom(), mailQueued, clock, funnelMetrics);

            // --- admin ---
            AuditRepository audit = new AuditRepository();
            AdminTokens adminTokens = new AdminTokens(database.dsl(), new AdminTokenRepository(), audit, clock);
            // failed logins count in the same limiter as everything else: shared through Redis when configured
            AdminAuthenticator adminAuthenticator = new AdminAuthenticator(adminTokens, rateLimiter,
                    config.admin().authFailures(), clock, rateLimitMetrics);
            AdminHandler admin = new AdminHandler(
                    new AdminSignups(database.dsl(), new SignupSearchRepository(), new SignupRepository(), outbox,
                            waitlistEmails, waitlists, audit, mailQueued, clock),
                    new AdminLeads(database.dsl(), new LeadSearchRepository(), new LeadRepository(), audit),
                    new AdminAuditLog(database.dsl(), audit));

            // --- lead-capture health: readiness detail, admin API and gauges share one cached reading ---
            LeadCaptureHealth leadCapture = new LeadCaptureHealth(database.dsl(), new SignupRepository(),
                    new LeadRepository(), outbox, config.health(), clock);
            LeadCaptureGauges.bind(metrics.registry(), leadCapture);

            // --- HTTP ---
            Pages pages = new Pages();
            Optional<DevMailServer> capturedMail = devMail;
            App.Handlers handlers = new App.Handlers(
                    new SignupHandler(signups, waitlists, config.publicBaseUrl(), submissionLimits, bots),
                    new EmailLinkHandler(signups, pages),
                    new LeadHandler(leads, config.funnels().forms(), config.publicBaseUrl(), submissionLimits, bots),
                    new HealthHandler(database, leadCapture, build, config.environment()),
                    capturedMail.map(server -> new DevMailHandler(server::messages, pages)),
                    pages,
                    new App.Edge(new ClientAddresses(config.edge().trustedProxies()),
                            new OriginLock(config.edge().originLockHeader(), config.edge().originLockSecret()),
                            new OriginPolicy(config.funnels(), config.publicBaseUrl()),
                            "https".equals(config.publicBaseUrl().getScheme())),
                    errorTracking,
                    new ClientRateLimits(rateLimiter, config.rateLimits(), rateLimitMetrics),
                    adminAuthenticator,
                    admin,
                    new FormTokenHandler(formTokens, botSettings),
                    metrics,
                    new MetricsHandler(metrics, config.metricsToken(), config.environment().allowsEmbeddedDefaults()),
                    new SmokeSignupHandler(new SmokeSignups(database.dsl(), new SignupRepository(), outbox,
                            waitlistEmails, audit, mailQueued, clock), waitlists),

                    new StatsHandler(new DashboardStats(database.dsl(), new StatsRepository(), metrics::routeLatencies,
                            build, config.environment().id(), clock)),
                    DashboardPage.load());
            if (!config.environment().allowsEmbeddedDefaults() && config.edge().trustedProxies().isEmpty()) {
                log.warn("TRUSTED_PROXIES is empty: every request's socket address counts as the client. Behind "
                        + "Cloudflare or a load balancer, all visitors then share one rate limit; set TRUSTED_PROXIES.");
            }
            Javalin http = App.create(handlers, config.http(), shedding).start(config.bindHost(), config.port());
            workers.forEach(OutboxWorker::start);
            ScheduledExecutorService housekeeping = startHousekeeping(botSettings.unconfirmedRetention()
                    .map(retention -> new UnconfirmedSignupPurge(database.dsl(), new SignupRepository(), retention, clock)),
                    errorTracking);
            return new Launchline(http, workers, newSignups.get(), database, devMail, embeddedPostgres, errorTracking,
                    redisRateLimiter, botDrops, housekeeping, metrics);
        } catch (RuntimeException failed) {
            newSignups.ifPresent(GroupCommit::close);
            errorTracking.close();
            redisRateLimiter.ifPresent(RedisRateLimiter::close);
            devMail.ifPresent(DevMailServer::close);
            embeddedPostgres.ifPresent(EmbeddedPostgres::close);
            throw failed;
        }
    }

    public int port() {
        return http.port();
    }

    public Database database() {
        return database;
    }

    public Optional<DevMailServer> devMail() {
        return devMail;
    }

    /** The shared limiter, when REDIS_URL is set: its fallback count is a health signal. */
    public Optional<RedisRateLimiter> redisRateLimiter() {
        return redisRateLimiter;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** What the bot defences caught; for the metrics of issue 4. */
    public BotDrops botDrops() {
        return botDrops;
    }

    /**
     * Background chores on one daemon thread: the purge of unconfirmed signups, hourly, the first
     * a minute after start. A failed run (database down) is logged and tried again next hour.
     */
    private static ScheduledExecutorService startHousekeeping(Optional<UnconfirmedSignupPurge> purge,
                                                              ErrorTracking errorTracking) {
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        purge.ifPresent(task -> housekeeping.scheduleWithFixedDelay(() -> {
            try {
                task.purge();
            } catch (RuntimeException failed) {
                log.warn("purge of unconfirmed signups failed; retrying in an hour: {}", failed.toString());
                errorTracking.backgroundFailed(failed, "purge-unconfirmed");
            }
        }, 1, 60, TimeUnit.MINUTES));
        return housekeeping;
    }

    /** A random key kept in the data directory, so dev links survive restarts. Dev/test only. */
    private static Secret devSigningKey(Path dataDir) {
        Path file = dataDir.resolve("dev-token-signing-key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.writeString(file, Base64.getEncoder().encodeToString(key));
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return Secret.of(Files.readString(file).strip());
        } catch (IOException unwritable) {
            throw new UncheckedIOException(unwritable);
        }
    }

    private static String domainOf(String mailFrom) {
        try {
            String address = new InternetAddress(mailFrom).getAddress();
            return address.substring(address.indexOf('@') + 1);
        } catch (Exception malformed) {
            return "launchline.localhost";
        }
    }

    private static String workerId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() {
        log.info("shutting down");
        http.stop();
        newSignups.close(); // after the requests that wait for it have had their rows written
        housekeeping.shutdownNow();
        workers.forEach(OutboxWorker::close); // each finishes the email in flight
        redisRateLimiter.ifPresent(RedisRateLimiter::close);
        database.close();
        devMail.ifPresent(DevMailServer::close);
        embeddedPostgres.ifPresent(EmbeddedPostgres::close);
        metrics.close();
        errorTracking.close(); // last: sends what is still queued, within its own timeout
        log.info("stopped");
    }
}
