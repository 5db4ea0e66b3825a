package dev.launchline.bots;

import dev.launchline.funnel.Funnels;
import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Honeypot, minimum fill time, Turnstile, disposable domains, referral fraud and the purge of
 * unconfirmed signups.
 *
 * @param honeypotField           BOT_HONEYPOT_FIELD: a form field humans never see; filled means bot
 * @param minFillTime             BOT_MIN_FILL_SECONDS: a form sent back sooner after its token was issued is a bot
 * @param formTokenMaxAge         BOT_FORM_TOKEN_MAX_AGE_MINUTES: how long a form token stays good
 * @param formTokenRequired       BOT_FORM_TOKEN_REQUIRED: drop submissions that carry no form token at all
 * @param turnstileSecret         TURNSTILE_SECRET_KEY (or _FILE): when set, every submission needs a Turnstile token
 * @param turnstileVerifyUrl      TURNSTILE_VERIFY_URL: Cloudflare's siteverify endpoint
 * @param turnstileTimeout        TURNSTILE_TIMEOUT_MS: how long siteverify may take before it counts as down
 * @param turnstileFailOpen       TURNSTILE_FAIL_OPEN: siteverify down -> accept (true) or 503 (false)
 * @param blockDisposableDomains  BLOCK_DISPOSABLE_DOMAINS: refuse addresses at throwaway-mail domains
 * @param disposableDomainsFile   DISPOSABLE_DOMAINS_FILE: a newer list that replaces the shipped one
 * @param extraDisposableDomains  DISPOSABLE_DOMAINS_EXTRA: comma-separated domains added to the list
 * @param referralSameNetworkWindow REFERRAL_SAME_IP_WINDOW_HOURS: a referee from the referrer's network within
 *                                this long of the referrer's signup earns no credit (0 = rule off)
 * @param unconfirmedRetention    UNCONFIRMED_RETENTION_DAYS: unconfirmed signups older than this are deleted
 *                                (empty = 0 = keep them)
 */
public record BotDefenceSettings(
        String honeypotField,
        Duration minFillTime,
        Duration formTokenMaxAge,
        boolean formTokenRequired,
        Optional<Secret> turnstileSecret,
        URI turnstileVerifyUrl,
        Duration turnstileTimeout,
        boolean turnstileFailOpen,
        boolean blockDisposableDomains,
        Optional<Path> disposableDomainsFile,
        Set<String> extraDisposableDomains,
        Duration referralSameNetworkWindow,
        Optional<Duration> unconfirmedRetention) {

    /** Reserved in {@link Funnels#RESERVED_FIELDS} too, so no custom field can take the name. */
    public static final String FORM_TOKEN_FIELD = "form_token";
    public static final String TURNSTILE_FIELD = "cf-turnstile-response";
    static final String DEFAULT_VERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

    /**
     * The honeypot's name is configurable, so only here, with the funnels known, can it be
     * checked against their custom fields: a shared name would silently drop every real signup.
     */
    public void requireHoneypotUnused(Funnels funnels) {
        boolean taken = funnels.waitlists().stream().anyMatch(w -> w.customFields().contains(honeypotField))
                || funnels.forms().stream().anyMatch(f -> f.customFields().contains(honeypotField));
        if (taken) {
            throw new IllegalStateException("BOT_HONEYPOT_FIELD '" + honeypotField
                    + "' is also a custom field of a waitlist or form: choose another honeypot name");
        }
    }

    public static BotDefenceSettings load(EnvironmentVariables env, Environment environment) {
        String honeypot = env.get("BOT_HONEYPOT_FIELD", "website");
        if (!honeypot.matches("[a-z][a-z0-9_]{0,63}") || Funnels.RESERVED_FIELDS.contains(honeypot)) {
            env.problem("BOT_HONEYPOT_FIELD", "must be a lowercase field name (a-z, 0-9, _) that no form uses");
        }
        Duration minFill = Duration.ofSeconds(env.integer("BOT_MIN_FILL_SECONDS", 3, 0, 600));
        Duration maxAge = Duration.ofMinutes(env.integer("BOT_FORM_TOKEN_MAX_AGE_MINUTES", 240, 1, 7 * 24 * 60));
        boolean tokenRequired = env.bool("BOT_FORM_TOKEN_REQUIRED", false);

        Optional<Secret> turnstileSecret = env.secret("TURNSTILE_SECRET_KEY");
        URI verifyUrl = URI.create(DEFAULT_VERIFY_URL);
        try {
            verifyUrl = URI.create(env.get("TURNSTILE_VERIFY_URL", DEFAULT_VERIFY_URL));
            if (!Set.of("http", "https").contains(String.valueOf(verifyUrl.getScheme())) || verifyUrl.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException malformed) {
            env.problem("TURNSTILE_VERIFY_URL", "must be an http(s) URL");
        }
        Duration turnstileTimeout = Duration.ofMillis(env.integer("TURNSTILE_TIMEOUT_MS", 2000, 100, 30_000));
        boolean failOpen = env.bool("TURNSTILE_FAIL_OPEN", true);

        boolean blockDisposable = env.bool("BLOCK_DISPOSABLE_DOMAINS", true);
        Optional<Path> domainsFile = env.get("DISPOSABLE_DOMAINS_FILE").map(Path::of);
        domainsFile.filter(file -> !Files.isReadable(file))
                .ifPresent(file -> env.problem("DISPOSABLE_DOMAINS_FILE", "file not found or not readable"));
        Set<String> extra = Arrays.stream(env.get("DISPOSABLE_DOMAINS_EXTRA", "").split(","))
                .map(domain -> domain.strip().toLowerCase(Locale.ROOT))
                .filter(domain -> !domain.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (extra.stream().anyMatch(domain -> !domain.matches("[a-z0-9-]+(\\.[a-z0-9-]+)+"))) {
            env.problem("DISPOSABLE_DOMAINS_EXTRA", "must be a comma-separated list of domain names");
        }

        Duration sameNetworkWindow = Duration.ofHours(env.integer("REFERRAL_SAME_IP_WINDOW_HOURS", 24, 0, 24 * 365));
        int retentionDays = env.integer("UNCONFIRMED_RETENTION_DAYS", 30, 0, 3650);
        Optional<Duration> retention = retentionDays == 0 ? Optional.empty() : Optional.of(Duration.ofDays(retentionDays));

        return new BotDefenceSettings(honeypot, minFill, maxAge, tokenRequired, turnstileSecret, verifyUrl,
                turnstileTimeout, failOpen, blockDisposable, domainsFile, extra, sameNetworkWindow, retention);
    }
}
