package dev.launchline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;

/**
 * What the funnels took in, counted after the transaction committed (a rolled-back signup never
 * counts). Tags are the configured waitlist and form slugs only, so the series stay few.
 */
public final class FunnelMetrics {
    public static final String SIGNUPS = "launchline.signups";
    public static final String CONFIRMATIONS = "launchline.signups.confirmed";
    public static final String LEADS = "launchline.leads";
    public static final String UNCREDITED_REFERRALS = "launchline.referrals.uncredited";

    private final MeterRegistry registry;

    /** Registers every configured waitlist and form at zero, so rate() has a start and a quiet funnel shows 0. */
    public FunnelMetrics(MeterRegistry registry, Collection<String> waitlists, Collection<String> forms) {
        this.registry = registry;
        waitlists.forEach(waitlist -> {
            signups(waitlist);
            confirmations(waitlist);
        });
        forms.forEach(this::leads);
    }

    /** A new person on a waitlist; a repeat signup of the same address is not counted again. */
    public void signupAccepted(String waitlist) {
        signups(waitlist).increment();
    }

    /** A signup confirmed (double opt-in), or accepted on a waitlist that needs no confirmation. */
    public void signupConfirmed(String waitlist) {
        confirmations(waitlist).increment();
    }

    /** A contact-form lead stored; a duplicate submission of the same message is not counted. */
    public void leadReceived(String form) {
        leads(form).increment();
    }

    /** A referral recorded without credit; {@code reason} is one of ReferralGuard's fixed codes. */
    public void referralUncredited(String reason) {
        Counter.builder(UNCREDITED_REFERRALS)
                .description("referrals that earned the referrer nothing, by reason (self_referral, same_network, "
                        + "over_limit: the referral code's rate limit)")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    private Counter signups(String waitlist) {
        return Counter.builder(SIGNUPS)
                .description("new signups stored, per waitlist (repeat signups of the same address not counted)")
                .tag("waitlist", waitlist)
                .register(registry);
    }

    private Counter confirmations(String waitlist) {
        return Counter.builder(CONFIRMATIONS)
                .description("signups confirmed, per waitlist (on waitlists without double opt-in, at signup)")
                .tag("waitlist", waitlist)
                .register(registry);
    }

    private Counter leads(String form) {
        return Counter.builder(LEADS)
                .description("contact-form leads stored, per form (duplicate submissions not counted)")
                .tag("form", form)
                .register(registry);
    }
}
