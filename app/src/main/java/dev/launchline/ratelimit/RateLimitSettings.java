package dev.launchline.ratelimit;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rate limits of this environment. Each limit is written {@code COUNT/PERIOD} ("20/1m":
 * 20 at once, refilled evenly over a minute; periods in s, m, h or d) or {@code off}. An empty
 * limit is switched off.
 *
 * @param signupsPerClient     RATE_LIMIT_SIGNUPS_PER_IP: signup posts per client IP (IPv6: per /64)
 * @param formsPerClient       RATE_LIMIT_FORMS_PER_IP: contact-form posts per client IP
 * @param emailLinksPerClient  RATE_LIMIT_EMAIL_LINKS_PER_IP: confirm, unsubscribe and erase posts per client IP
 * @param statusPerClient      RATE_LIMIT_STATUS_PER_IP: status lookups per client IP
 * @param perEmail             RATE_LIMIT_PER_EMAIL: signups and form posts naming one address, across
 *                             waitlists and forms (list-bombing one inbox)
 * @param perReferralCode      RATE_LIMIT_PER_REFERRAL_CODE: signups credited to one referral code
 * @param confirmationMails    RATE_LIMIT_CONFIRMATION_MAILS: confirmation emails sent, all instances together
 * @param redis                REDIS_URL (or REDIS_URL_FILE): share the buckets between instances
 */
public record RateLimitSettings(
        Optional<Limit> signupsPerClient,
        Optional<Limit> formsPerClient,
        Optional<Limit> emailLinksPerClient,
        Optional<Limit> statusPerClient,
        Optional<Limit> perEmail,
        Optional<Limit> perReferralCode,
        Optional<Limit> confirmationMails,
        Optional<Redis> redis) {

    /**
     * @param timeout   REDIS_TIMEOUT_MS: longest a request waits for Redis before it uses this
     *                  instance's own buckets instead
     * @param keyPrefix REDIS_KEY_PREFIX: keeps these buckets apart from anything else in the database
     */
    public record Redis(Secret url, Duration timeout, String keyPrefix) {
    }

    private static final Pattern LIMIT = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{0,6})\\s*([smhd])");

    public static RateLimitSettings load(EnvironmentVariables env, Environment environment) {
        return new RateLimitSettings(
                limit(env, "RATE_LIMIT_SIGNUPS_PER_IP", "signups-per-ip", "20/1m"),
                limit(env, "RATE_LIMIT_FORMS_PER_IP", "forms-per-ip", "10/1m"),
                limit(env, "RATE_LIMIT_EMAIL_LINKS_PER_IP", "email-links-per-ip", "30/1m"),
                limit(env, "RATE_LIMIT_STATUS_PER_IP", "status-per-ip", "60/1m"),
                limit(env, "RATE_LIMIT_PER_EMAIL", "per-email", "5/1h"),
                limit(env, "RATE_LIMIT_PER_REFERRAL_CODE", "per-referral-code", "50/1h"),
                limit(env, "RATE_LIMIT_CONFIRMATION_MAILS", "confirmation-mails", "300/1m"),
                redis(env));
    }

    static Optional<Limit> limit(EnvironmentVariables env, String variable, String name, String fallback) {
        String raw = env.get(variable, fallback);
        if (raw.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        Matcher matcher = LIMIT.matcher(raw);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) < 1
                || (!matcher.group(2).isEmpty() && Long.parseLong(matcher.group(2)) < 1)) {
            env.problem(variable, "must be COUNT/PERIOD such as 20/1m (period in s, m, h or d, count at least 1) or off");
            return parsed(name, fallback);
        }
        return parsed(name, raw);
    }

    private static Optional<Limit> parsed(String name, String text) {
        Matcher matcher = LIMIT.matcher(text);
        matcher.matches();
        long count = matcher.group(2).isEmpty() ? 1 : Long.parseLong(matcher.group(2));
        Duration unit = switch (matcher.group(3)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return Optional.of(new Limit(name, Long.parseLong(matcher.group(1)), unit.multipliedBy(count)));
    }

    private static Optional<Redis> redis(EnvironmentVariables env) {
        Optional<Secret> url = env.secret("REDIS_URL");
        Duration timeout = Duration.ofMillis(env.integer("REDIS_TIMEOUT_MS", 50, 1, 5000));
        String prefix = env.get("REDIS_KEY_PREFIX", "launchline:ratelimit:");
        if (!prefix.matches("[A-Za-z0-9:_.-]{1,100}")) {
            env.problem("REDIS_KEY_PREFIX", "must be 1 to 100 letters, digits or : _ . -");
        }
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            RedisURI.create(url.get().reveal());
        } catch (RuntimeException malformed) {
            // the message of a URI parse error may quote the URL, password included: say only what is wrong
            env.problem("REDIS_URL", "must be a redis:// or rediss:// URL such as redis://redis.internal:6379/0");
            return Optional.empty();
        }
        return Optional.of(new Redis(url.get(), timeout, prefix));
    }
}
