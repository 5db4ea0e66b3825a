package dev.launchline.support;

import dev.launchline.Config;
import dev.launchline.Launchline;
import dev.launchline.bots.BotDrops;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.devstack.DevMailServer;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import org.jooq.DSLContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;

/**
 * The whole service for a test: a fresh PostgreSQL database, a real SMTP server the test can
 * stop and restart (GreenMail, in-process), and the service on a free port over real HTTP.
 */
public final class TestStack implements AutoCloseable {
    public static final String SIGNING_KEY = "test-signing-key-0123456789abcdef0123456789";

    private final Map<String, String> env;
    private final int smtpPort;
    private DevMailServer smtp;
    private Launchline service;
    private final Http http;

    private TestStack(Map<String, String> env, int smtpPort) {
        this.env = env;
        this.smtpPort = smtpPort;
        this.smtp = DevMailServer.start(smtpPort);
        this.service = Launchline.start(Config.load(new EnvironmentVariables(env)));
        this.http = new Http("http://127.0.0.1:" + env.get("PORT"));
    }

    public static TestStack start() {
        return start(Map.of());
    }

    /** Starts with the test defaults, overridden by {@code overrides}. */
    public static TestStack start(Map<String, String> overrides) {
        // the database first: the first call may start the embedded PostgreSQL, which picks a free
        // port of its own, and once took the one just chosen here for HTTP (CI: "Port already in use")
        String databaseUrl = TestDatabases.fresh();
        int port = freePort();
        int smtpPort = freePort();
        while (smtpPort == port) {
            smtpPort = freePort();
        }
        Map<String, String> env = new HashMap<>();
        env.put("APP_ENV", "test");
        env.put("PORT", String.valueOf(port));
        env.put("PUBLIC_BASE_URL", "http://127.0.0.1:" + port);
        env.put("DATABASE_URL", databaseUrl);
        env.put("DATABASE_USER", "postgres");
        env.put("DATABASE_POOL_SIZE", "4");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_SECURITY", "none");
        env.put("SMTP_TIMEOUT_MS", "2000");
        env.put("MAIL_FROM", "Launchline Test <hello@launchline.test>");
        env.put("TOKEN_SIGNING_KEY", SIGNING_KEY);
        env.put("OUTBOX_POLL_INTERVAL_MS", "50");
        env.put("OUTBOX_RETRY_BASE_MS", "200");
        env.put("OUTBOX_RETRY_MAX_MS", "1000");
        env.put("FUNNELS", """
                {"waitlists": [
                   {"slug": "launch", "name": "Rocket", "public_url": "https://rocket.test/",
                    "custom_fields": ["team_size"], "referral_boost": 5,
                    "leaderboard": {"size": 3, "cache_seconds": 1}},
                   {"slug": "instant", "name": "Instant", "public_url": "https://instant.test/",
                    "confirmation_required": false, "redirect_after_signup": "https://instant.test/thanks"}],
                 "forms": [
                   {"slug": "contact", "name": "Talk to sales", "recipients": ["sales@rocket.test", "ceo@rocket.test"],
                    "custom_fields": ["budget"]}]}
                """);
        // rate limits are off unless a test turns them on: every request here comes from 127.0.0.1
        for (String limit : List.of("SIGNUPS_PER_IP", "FORMS_PER_IP", "EMAIL_LINKS_PER_IP", "STATUS_PER_IP",
                "PER_EMAIL", "PER_REFERRAL_CODE", "CONFIRMATION_MAILS")) {
            env.put("RATE_LIMIT_" + limit, "off");
        }
        env.putAll(overrides);
        return new TestStack(env, smtpPort);
    }

    public Http http() {
        return http;
    }

    public DSLContext db() {
        return service.database().dsl();
    }

    public Launchline service() {
        return service;
    }

    /** What the bot defences counted (issue 3). */
    public BotDrops botDrops() {
        return service.botDrops();
    }

    public Map<String, String> env() {
        return env;
    }

    public void stopSmtp() {
        smtp.close();
    }

    public void startSmtp() {
        smtp = DevMailServer.start(smtpPort);
    }

    public List<CapturedMail> mail() {
        return smtp.messages();
    }

    public List<CapturedMail> mailTo(String address) {
        return mail().stream().filter(m -> m.to().contains(address)).toList();
    }

    /** Waits (up to 15 s) until a captured message matches, and returns it. */
    public CapturedMail awaitMail(Predicate<CapturedMail> matching) {
        return Eventually.get(() -> mail().stream().filter(matching).findFirst(), Duration.ofSeconds(15));
    }

    public CapturedMail awaitMailTo(String address, String subjectContains) {
        return awaitMail(m -> m.to().contains(address) && m.subject().contains(subjectContains));
    }

    /**
     * Waits (up to 15 s) until the outbox holds no mail still to send: every queued email was
     * delivered (and captured) or given up. After it, "only one mail arrived" means only one was queued.
     */
    public void awaitOutboxDelivered() {
        Eventually.get(() -> db().fetchExists(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.in("pending", "sending"))
                ? Optional.empty() : Optional.of(true), Duration.ofSeconds(15));
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        service.close();
        smtp.close();
    }
}
