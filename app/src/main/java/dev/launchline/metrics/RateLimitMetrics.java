package dev.launchline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Requests refused with 429, by the name of the limit that refused them (a fixed set of names). */
public final class RateLimitMetrics {
    public static final String REJECTIONS = "launchline.rate.limit.rejections";

    private final MeterRegistry registry;

    public RateLimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param rule the limit's name, e.g. signups-per-ip, per-email, admin_auth_failures */
    public void rejected(String rule) {
        Counter.builder(REJECTIONS)
                .description("requests refused with 429, by rate-limit rule")
                .tag("rule", rule)
                .register(registry)
                .increment();
    }
}
