package dev.launchline.ratelimit;

import dev.launchline.metrics.RateLimitMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits on what a submission names rather than who sends it, checked after the body is
 * parsed and before anything is stored: the email address (list-bombing one inbox from many
 * IPs, across all waitlists and forms) and the referral code (one code credited for a flood of
 * signups).
 */
public final class SubmissionLimits {
    private static final Logger log = LoggerFactory.getLogger(SubmissionLimits.class);

    private final RateLimiter limiter;
    private final Optional<Limit> perEmail;
    private final Optional<Limit> perReferralCode;
    private final AtomicLong uncreditedReferrals = new AtomicLong();
    private final RateLimitMetrics metrics;

    public SubmissionLimits(RateLimiter limiter, RateLimitSettings settings, RateLimitMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
        this.perEmail = settings.perEmail();
        this.perReferralCode = settings.perReferralCode();
    }

    /** Throws {@link RateLimitedException} when this address was named too often lately. */
    public void checkEmail(String emailKey) {
        if (perEmail.isEmpty()) {
            return;
        }
        Decision decision = limiter.tryConsume(perEmail.get(), emailKey);
        if (!decision.allowed()) {
            metrics.rejected(perEmail.get().name());
            throw new RateLimitedException(decision, "Too many requests for this email address in a short time.");
        }
    }

    /**
     * Whether a signup may be credited to this referral code. Over the limit the signup still
     * happens, just without the credit: the visitor who followed a popular link is real, and
     * refusing them would lose a lead to stop a fraud that needs only the credit withheld.
     */
    public boolean mayCreditReferral(String waitlist, String referralCode) {
        if (perReferralCode.isEmpty()) {
            return true;
        }
        boolean allowed = limiter.tryConsume(perReferralCode.get(), waitlist + ":" + referralCode).allowed();
        if (!allowed) {
            long count = uncreditedReferrals.incrementAndGet();
            log.info("referral code over its limit on waitlist {}: signup not credited ({} so far)", waitlist, count);
        }
        return allowed;
    }

    /** Signups accepted without their referral credit because the code was over its limit. */
    public long uncreditedReferrals() {
        return uncreditedReferrals.get();
    }
}
