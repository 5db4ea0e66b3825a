package dev.launchline;

import dev.launchline.funnel.ContactForm;
import dev.launchline.funnel.Waitlist;
import dev.launchline.admin.AdminAuditLog;
import dev.launchline.admin.AdminAuthenticator;
import dev.launchline.admin.AdminHandler;
import dev.launchline.admin.AdminLeads;
import dev.launchline.admin.AdminPeople;
import dev.launchline.admin.AdminSignups;
import dev.launchline.admin.AdminSuppressionHandler;
import dev.launchline.admin.AdminSuppressions;
import dev.launchline.admin.AdminTokenRepository;
import dev.launchline.admin.AdminTokens;
import dev.launchline.admin.AdminWebhookHandler;
import dev.launchline.admin.AdminWebhooks;
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
import dev.launchline.db.DatabaseSettings;
import dev.launchline.db.GroupCommit;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.edge.OriginLock;
import dev.launchline.edge.OriginPolicy;
import dev.launchline.embedded.DevInbox;
import dev.launchline.embedded.DevMailHandler;
import dev.launchline.embedded.EmbeddedDatabase;
import dev.launchline.embedded.EmbeddedDefaults;
import dev.launchline.errors.ErrorTracking;
import dev.launchline.health.BuildInfo;
import dev.launchline.health.Draining;
import dev.launchline.health.HealthHandler;
import dev.launchline.health.LeadCaptureHealth;
import dev.launchline.http.ApiDescription;
import dev.launchline.http.CoreSaturation;
import dev.launchline.http.ErrorMapper;
import dev.launchline.http.HttpServer;
import dev.launchline.http.OverloadShedding;
import dev.launchline.http.Pages;
import dev.launchline.http.Routes;
import dev.launchline.invite.InviteBatchRepository;
import dev.launchline.invite.InviteBatches;
import dev.launchline.invite.InviteHandler;
import dev.launchline.lead.LeadHandler;
import dev.launchline.leaderboard.LeaderboardHandler;
import dev.launchline.leaderboard.LeaderboardRepository;
import dev.launchline.leaderboard.Leaderboards;
import dev.launchline.lead.LeadRepository;
import dev.launchline.lead.LeadSearchRepository;
import dev.launchline.lead.LeadService;
import dev.launchline.mail.DeferredRendering;
import dev.launchline.mail.EmailTemplates;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.mail.OutboxWorker;
import dev.launchline.mail.RecipientCheck;
import dev.launchline.mail.SmtpMailer;
import dev.launchline.mail.SmtpSettings;
import dev.launchline.ratelimit.DefenceCounters;
import dev.launchline.metrics.FunnelMetrics;
import dev.launchline.health.LeadCaptureGauges;
import dev.launchline.metrics.MailMetrics;
import dev.launchline.metrics.Metrics;
import dev.launchline.metrics.MetricsHandler;
import dev.launchline.metrics.RateLimitMetrics;
import dev.launchline.ratelimit.ClientRateLimits;
import dev.launchline.ratelimit.ConfirmationMailCeiling;
import dev.launchline.ratelimit.LocalRateLimiter;
import dev.launchline.ratelimit.RateLimiter;
import dev.launchline.ratelimit.RedisRateLimiter;
import dev.launchline.ratelimit.SubmissionLimits;
import dev.launchline.smoke.SmokeSignupHandler;
import dev.launchline.smoke.SmokeSignups;
import dev.launchline.suppression.ProviderNotificationHandler;
import dev.launchline.suppression.SuppressionList;
import dev.launchline.suppression.SuppressionRepository;
import dev.launchline.token.TokenSigner;
import dev.launchline.waitlist.ConsentRecord;
import dev.launchline.waitlist.EmailLinkHandler;
import dev.launchline.waitlist.NewSignupStatement;
import dev.launchline.waitlist.SignupHandler;
import dev.launchline.waitlist.SignupRepository;
import dev.launchline.waitlist.SignupSearchRepository;
import dev.launchline.waitlist.SignupService;
import dev.launchline.waitlist.UnconfirmedSignupPurge;
import dev.launchline.waitlist.WaitlistEmails;
import dev.launchline.waitlist.WaitlistRoutes;
import dev.launchline.waitlist.Waitlists;
import dev.launchline.webhook.WebhookEvent;
import dev.launchline.webhook.WebhookEvents;
import dev.launchline.webhook.WebhookRepository;
import dev.launchline.webhook.WebhookRetention;
import dev.launchline.webhook.WebhookSender;
import io.javalin.Javalin;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running service: the wiring of every part, by hand, in one place. {@link #start} builds and
 * starts the parts in order, each registered with the {@link Lifecycle} as it starts; {@link
 * #close}, and a start that fails half-way, stop them in the reverse order - HTTP first
 * (in-flight requests finish), then the mail senders (the email in flight finishes, the rest of
 * its batch goes back to the queue), then the pool, then anything embedded, error tracking last.
 */
public final class Launchline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Launchline.class);

    private final Lifecycle lifecycle;
    private final Javalin http;
    private final Database database;
    private final Optional<DevInbox> devMail;
    private final Optional<RedisRateLimiter> redisRateLimiter;
    private final BotDrops botDrops;
    private final Metrics metrics;

    private Launchline(Lifecycle lifecycle, Javalin http, Database database, Optional<DevInbox> devMail,
                       Optional<RedisRateLimiter> redisRateLimiter, BotDrops botDrops, Metrics metrics) {
        this.lifecycle = lifecycle;
        this.http = http;
        this.database = database;
        this.devMail = devMail;
        this.redisRateLimiter = redisRateLimiter;
        this.botDrops = botDrops;
        this.metrics = metrics;
    }

    public static Launchline start(Config config) {
        config.bots().requireHoneypotUnused(config.funnels()); // before anything is started that would need stopping
        Lifecycle lifecycle = new Lifecycle();
        try {
            return start(config, lifecycle);
        } catch (RuntimeException | Error failed) {
            lifecycle.close();
            throw failed;
        }
    }

    private static Launchline start(Config config, Lifecycle lifecycle) {
        Clock clock = Clock.systemUTC();
        BuildInfo build = BuildInfo.load();
        // first, so that whatever fails from here on can be reported; closed last, to send what is queued
        ErrorTracking errorTracking = lifecycle.started("error tracking", ErrorTracking.start(
                config.sentryDsn().map(Secret::reveal), build.release(), config.environment().id()));
        Metrics metrics = lifecycle.started("metrics", new Metrics(build.release(), config.environment().id()));

        // --- storage: an external PostgreSQL, or the embedded one (dev/test only; Config refuses it elsewhere) ---
        Database database = lifecycle.started("database pool", config.database()
                .map(db -> new Database(db.jdbcUrl(), db.user(), db.password().map(Secret::reveal), db.poolSize(),
                        Optional.of(metrics.registry())))
                .orElseGet(() -> {
                    EmbeddedDatabase embedded = lifecycle.started("embedded PostgreSQL",
                            EmbeddedDefaults.startPostgres(config.dataDir()));
                    return new Database(embedded.jdbcUrl(), Optional.of("postgres"), Optional.empty(), 10,
                            Optional.of(metrics.registry()));
                }));
        if (config.migrateOnStart()) {
            // a database started beside the service may take a moment: wait for it (bounded), then
            // give up with one line (DatabaseUnreachable) rather than a stack trace
            config.database().ifPresent(db -> database.awaitReachable(db.startTimeout()));
            database.migrate(config.database().flatMap(DatabaseSettings::migrationRole));
        }

        // --- rate limits: shared through Redis when configured, this instance's memory otherwise and as fallback ---
        // 32 bytes a key: half a million keep a launch spike's per-address limits for minutes (16 MB)
        LocalRateLimiter localRateLimiter = new LocalRateLimiter(500_000);
        Optional<RedisRateLimiter> redisRateLimiter = config.rateLimits().redis()
                .map(redis -> lifecycle.started("Redis rate limiter", RedisRateLimiter.start(redis, localRateLimiter)));
        RateLimiter rateLimiter = redisRateLimiter.<RateLimiter>map(redis -> redis).orElse(localRateLimiter);
        RateLimitMetrics rateLimitMetrics = new RateLimitMetrics(metrics.registry());
        SubmissionLimits submissionLimits = new SubmissionLimits(rateLimiter, config.rateLimits(), rateLimitMetrics);

        // --- mail: an external SMTP server, or the capturing one in this process (dev/test only) ---
        Optional<DevInbox> devMail = config.smtp().isPresent() ? Optional.empty()
                : Optional.of(lifecycle.started("dev mail server", EmbeddedDefaults.startMail()));
        SmtpSettings smtp = config.smtp().orElseGet(() -> SmtpSettings.local(devMail.orElseThrow().port(), Duration.ofSeconds(5)));
        Secret signingKey = config.tokenSigningKey().orElseGet(() -> devSigningKey(config.dataDir()));
        TokenSigner tokens = new TokenSigner(signingKey, config.previousTokenSigningKey(), clock);
        EmailTemplates templates = new EmailTemplates(config.emailTemplatesDir());
        OutboxRepository outbox = new OutboxRepository(database.dsl(), domainOf(config.mailFrom()), clock);
        Waitlists waitlists = new Waitlists(config.funnels().waitlists());
        // renders the waitlist's mail, and (for the senders) the confirmations queued as template data
        WaitlistEmails waitlistEmails = new WaitlistEmails(templates, tokens, waitlists, config.publicBaseUrl(),
                config.mailFrom(), config.confirmationTokenTtl(), clock);
        ConfirmationMailCeiling confirmationCeiling = new ConfirmationMailCeiling(rateLimiter, config.rateLimits(),
                WaitlistEmails.CONFIRM);
        // built here rather than with the other HTTP parts: the senders give way while requests queue at it,
        // or while the cores are saturated with requests coming in
        OverloadShedding shedding = new OverloadShedding(config.http(), metrics.registry());
        CoreSaturation saturation = lifecycle.started("core saturation", CoreSaturation.of(shedding::getTotalRequestCount));
        // bounces and complaints: the senders ask the list before each email (a signup's own request never does)
        SuppressionRepository suppressionRepository = new SuppressionRepository();
        SuppressionList suppressions = new SuppressionList(database.dsl(), suppressionRepository,
                Set.of(WaitlistEmails.CONFIRM), config.suppression().bounceRetryAfter(), clock, metrics.registry());
        List<OutboxWorker> workers = senders(config, smtp, outbox, waitlistEmails, errorTracking, confirmationCeiling,
                new MailMetrics(metrics.registry()), shedding, saturation, suppressions::blocks, lifecycle);

        // --- webhooks: events queued with the change that caused them, delivered by their own sender ---
        WebhookRepository webhookDeliveries = new WebhookRepository(database.dsl(), clock);
        WebhookEvents webhooks = new WebhookEvents(config.webhooks().endpoints(), webhookDeliveries, clock);
        Optional<WebhookSender> webhookSender = config.webhooks().endpoints().isEmpty() ? Optional.empty()
                : Optional.of(lifecycle.started("webhook sender",
                        new WebhookSender(webhookDeliveries, config.webhooks(), clock, metrics.registry())));
        // what queues mail (a signup, a confirmation, a lead) is what queues most events too: one nudge wakes both
        Runnable mailQueued = () -> {
            workers.forEach(OutboxWorker::nudge);
            webhookSender.ifPresent(WebhookSender::nudge);
        };

        // --- bot defence ---
        BotDefenceSettings botSettings = config.bots();
        BotDrops botDrops = new BotDrops();
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

        // --- funnels: waitlists (signups, double opt-in, referrals) and contact forms (leads) ---
        FunnelMetrics funnelMetrics = new FunnelMetrics(metrics.registry(),
                config.funnels().waitlists().stream().map(Waitlist::slug).toList(),
                config.funnels().forms().stream().map(ContactForm::slug).toList());
        // a launch spike's new signups, committed together: see GroupCommit for why and what it measured
        GroupCommit newSignups = lifecycle.started("signup group commit", new GroupCommit("new_signup", database.dsl(),
                SignupRepository.INSERT_IF_NEW_WITH_EMAIL, 2, metrics.registry()));
        // each waitlist's board of top referrers, read at most once per its cache period
        Leaderboards leaderboards = new Leaderboards(database.dsl(), new LeaderboardRepository(),
                config.funnels().waitlists(), System::nanoTime);
        // and, when an endpoint listens for signup.created, the same statement with its deliveries
        Optional<GroupCommit> newSignupsWithWebhooks = !webhooks.anyoneHears(WebhookEvent.SIGNUP_CREATED) ? Optional.empty()
                : Optional.of(lifecycle.started("signup group commit with webhooks", new GroupCommit(
                        "new_signup_with_webhooks", database.dsl(), SignupRepository.INSERT_IF_NEW_WITH_EMAIL_AND_WEBHOOKS,
                        2, metrics.registry())));
        NewSignupStatement newSignupStatement = new NewSignupStatement(new SignupRepository(), newSignups,
                newSignupsWithWebhooks, webhooks);
        SignupService signups = lifecycle.started("signups", new SignupService(database.dsl(), new SignupRepository(),
                outbox, waitlistEmails, tokens, waitlists, config.resendCooldown(), mailQueued, clock, referralGuard,
                funnelMetrics, newSignupStatement, webhooks, new ConsentRecord.Hasher(signingKey), leaderboards,
                suppressions));
        LeadService leads = new LeadService(database.dsl(), new LeadRepository(), outbox, templates,
                config.mailFrom(), mailQueued, clock, funnelMetrics, webhooks);

        // --- admin: tokens, and failed logins counted in the same limiter as everything else ---
        AuditRepository audit = new AuditRepository();
        AdminTokens adminTokens = new AdminTokens(database.dsl(), new AdminTokenRepository(), audit, clock);
        AdminAuthenticator admin = new AdminAuthenticator(adminTokens, rateLimiter,
                config.admin().authFailures(), clock, rateLimitMetrics);

        // --- lead-capture health: readiness detail, admin API and gauges share one cached reading ---
        LeadCaptureHealth leadCapture = new LeadCaptureHealth(database.dsl(), new SignupRepository(),
                new LeadRepository(), outbox, config.health(), clock);
        LeadCaptureGauges.bind(metrics.registry(), leadCapture);
        lifecycle.started("lead-capture health reader", leadCapture.startReading());

        // --- HTTP: each feature registers its own routes, with the guards it needs ---
        Pages pages = new Pages();
        OriginPolicy origins = new OriginPolicy(config.funnels(), config.publicBaseUrl());
        ClientRateLimits perClient = new ClientRateLimits(rateLimiter, config.rateLimits(), rateLimitMetrics);
        FormTokenHandler formTokenHandler = new FormTokenHandler(formTokens, botSettings);
        Draining draining = new Draining();
        List<Routes> features = new ArrayList<>(List.of(
                new HealthHandler(database, leadCapture, build, config.environment(), draining).routes(admin),
                new MetricsHandler(metrics, config.metricsTokens(), config.environment().allowsEmbeddedDefaults()).routes(),
                ApiDescription.load().routes(),
                new WaitlistRoutes(new SignupHandler(signups, waitlists, config.publicBaseUrl(), submissionLimits, bots),
                        new EmailLinkHandler(signups, pages, leaderboards),
                        new WaitlistRoutes.Guards(origins.waitlistSignups(), origins.anyFunnel(), perClient.signups(),
                                perClient.emailLinks(), perClient.statusLookups())),
                new LeaderboardHandler(leaderboards).routes(origins.waitlistSignups(), perClient.statusLookups()),
                new LeadHandler(leads, config.funnels().forms(), config.publicBaseUrl(), submissionLimits, bots)
                        .routes(origins.formSubmissions(), perClient.formSubmissions()),
                formTokenHandler.routes(origins.anyFunnel()),
                pages.thanksPage(),
                new AdminHandler(
                        new AdminSignups(database.dsl(), new SignupSearchRepository(), new SignupRepository(), outbox,
                                waitlistEmails, waitlists, audit, mailQueued, clock, webhooks),
                        new AdminLeads(database.dsl(), new LeadSearchRepository(), new LeadRepository(), audit),
                        new AdminAuditLog(database.dsl(), audit), new AdminPeople(database.dsl(), audit, suppressionRepository, clock))
                        .routes(admin),
                new AdminWebhookHandler(new AdminWebhooks(database.dsl(), config.webhooks().endpoints(),
                        webhookDeliveries, audit, mailQueued)).routes(admin),
                new InviteHandler(new InviteBatches(database.dsl(), new InviteBatchRepository(), new SignupRepository(),
                        outbox, waitlistEmails, audit, tokens, mailQueued, clock, webhooks), waitlists).routes(admin),
                new AdminSuppressionHandler(new AdminSuppressions(database.dsl(), suppressionRepository, suppressions,
                        audit)).routes(admin),
                new ProviderNotificationHandler(suppressions, config.suppression()).routes(),
                new SmokeSignupHandler(new SmokeSignups(database.dsl(), new SignupRepository(), outbox,
                        waitlistEmails, audit, mailQueued, clock), waitlists).routes(admin),
                new StatsHandler(new DashboardStats(database.dsl(), new StatsRepository(), metrics::routeLatencies,
                        build, config.environment().id(), clock)).routes(admin),
                DashboardPage.load().routes()));
        devMail.ifPresent(inbox -> features.add(new DevMailHandler(inbox::messages, pages).routes(formTokenHandler::formFields)));
        if (!config.environment().allowsEmbeddedDefaults() && config.edge().trustedProxies().isEmpty()) {
            log.warn("TRUSTED_PROXIES is empty: every request's socket address counts as the client. Behind "
                    + "Cloudflare or a load balancer, all visitors then share one rate limit; set TRUSTED_PROXIES.");
        }
        OriginLock originLock = new OriginLock(config.edge().originLockHeader(), config.edge().originLockSecret(),
                config.edge().previousOriginLockSecret());
        ClientAddresses clientAddresses = new ClientAddresses(config.edge().trustedProxies());
        Javalin http = HttpServer.create(config.http(), shedding, new ErrorMapper(pages, errorTracking), metrics::recordRequest,
                ctx -> clientAddresses.assign(ctx, originLock.check(ctx)),
                "https".equals(config.publicBaseUrl().getScheme()), features);
        lifecycle.onClose("HTTP server", http::stop);
        http.start(config.http().bindHost(), config.http().port());
        // closed first, before the HTTP server: readiness fails while requests are still served
        lifecycle.onClose("draining", () -> draining.drainFor(config.http().shutdownDrain()));

        workers.forEach(OutboxWorker::start);
        webhookSender.ifPresent(WebhookSender::start);
        Map<String, Runnable> chores = new LinkedHashMap<>();
        botSettings.unconfirmedRetention().ifPresent(retention -> chores.put("purge-unconfirmed",
                new UnconfirmedSignupPurge(database.dsl(), new SignupRepository(), retention, clock)::purge));
        chores.put("webhook-retention", new WebhookRetention(webhookDeliveries, config.webhooks().retention()));
        lifecycle.onClose("housekeeping", startHousekeeping(chores, errorTracking)::shutdownNow);
        return new Launchline(lifecycle, http, database, devMail, redisRateLimiter, botDrops, metrics);
    }

    /**
     * Several senders claim their own batches side by side (SKIP LOCKED), each on its own SMTP
     * connection: one sender is bound by round trips to the SMTP server, not by CPU. Started once
     * HTTP is up; registered now, so a failed start closes them too.
     */
    private static List<OutboxWorker> senders(Config config, SmtpSettings smtp, OutboxRepository outbox,
                                              DeferredRendering rendering, ErrorTracking errorTracking, ConfirmationMailCeiling ceiling,
                                              MailMetrics mailMetrics, OverloadShedding shedding, CoreSaturation saturation,
                                              RecipientCheck recipients, Lifecycle lifecycle) {
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
        List<OutboxWorker> workers = new ArrayList<>();
        for (int i = 0; i < config.outbox().senders(); i++) {
            workers.add(lifecycle.started("mail sender " + i, new OutboxWorker(outbox, new SmtpMailer(smtp), rendering,
                    config.outbox(), mailProblems, ceiling, mailMetrics, shedding::getTotalSuspendedRequestCount,
                    saturation::saturated, recipients)));
        }
        return List.copyOf(workers);
    }

    public int port() {
        return http.port();
    }

    /**
     * Every route the HTTP server answers, as "METHOD /path" (before- and after-handlers left out):
     * what the API description must cover (OpenApiContractTest).
     */
    public List<String> routes() {
        return http.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .filter(endpoint -> !endpoint.path.contains("<unknown>")) // RouteTable#gateUnknownPaths
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path)
                .toList();
    }

    public Database database() {
        return database;
    }

    public Optional<DevInbox> devMail() {
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
     * Background chores on one daemon thread (the purge of unconfirmed signups, the retention of
     * delivered webhooks), hourly, the first a minute after start. A failed run (database down)
     * is logged and tried again next hour.
     */
    private static ScheduledExecutorService startHousekeeping(Map<String, Runnable> chores, ErrorTracking errorTracking) {
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        chores.forEach((name, chore) -> housekeeping.scheduleWithFixedDelay(() -> {
            try {
                chore.run();
            } catch (RuntimeException failed) {
                log.warn("{} failed; retrying in an hour: {}", name, failed.toString());
                errorTracking.backgroundFailed(failed, name);
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

    @Override
    public void close() {
        log.info("shutting down");
        lifecycle.close();
        log.info("stopped");
    }
}
