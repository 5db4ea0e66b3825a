package dev.launchline.ratelimit;

import dev.launchline.bots.BotDrops;
import dev.launchline.metrics.FunnelMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Optional;

/**
 * The abuse defences already count what they do (issue 3); these counters read those counts at
 * scrape time instead of keeping a second tally.
 */
public final class DefenceCounters {
    public static final String BOT_DROPS = "launchline.bot.drops";
    public static final String TURNSTILE_SKIPPED = "launchline.bot.turnstile.unavailable.accepted";
    public static final String REDIS_FALLBACKS = "launchline.rate.limit.redis.fallbacks";
    public static final String CONFIRMATIONS_HELD_BACK = "launchline.emails.held.back";

    private DefenceCounters() {
    }

    public static void bind(MeterRegistry registry, BotDrops botDrops, SubmissionLimits submissionLimits,
                            ConfirmationMailCeiling confirmationCeiling, Optional<RedisRateLimiter> redis) {
        for (BotDrops.Reason reason : BotDrops.Reason.values()) {
            if (reason == BotDrops.Reason.CHALLENGE_UNAVAILABLE_ACCEPTED) {
                continue; // not a drop: below, under its own name
            }
            FunctionCounter.builder(BOT_DROPS, botDrops, drops -> drops.total(reason))
                    .description("submissions the bot defences dropped or refused, by reason")
                    .tag("reason", reason.code())
                    .register(registry);
        }
        FunctionCounter.builder(TURNSTILE_SKIPPED, botDrops,
                        drops -> drops.total(BotDrops.Reason.CHALLENGE_UNAVAILABLE_ACCEPTED))
                .description("submissions accepted unchecked because Turnstile could not be reached (TURNSTILE_FAIL_OPEN)")
                .register(registry);
        FunctionCounter.builder(FunnelMetrics.UNCREDITED_REFERRALS, submissionLimits,
                        SubmissionLimits::uncreditedReferrals)
                .description("referrals that earned the referrer nothing, by reason (self_referral, same_network, "
                        + "over_limit: the referral code's rate limit)")
                .tag("reason", "over_limit")
                .register(registry);
        FunctionCounter.builder(CONFIRMATIONS_HELD_BACK, confirmationCeiling, ConfirmationMailCeiling::heldBack)
                .description("confirmation emails kept queued because RATE_LIMIT_CONFIRMATION_MAILS was reached")
                .register(registry);
        redis.ifPresent(limiter -> FunctionCounter.builder(REDIS_FALLBACKS, limiter, RedisRateLimiter::fallbacks)
                .description("rate-limit decisions made by this instance alone because Redis was unreachable or slow")
                .register(registry));
    }
}
