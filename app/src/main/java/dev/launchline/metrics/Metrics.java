package dev.launchline.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service's one meter registry, in Prometheus format. Request latency is a timer per
 * route template and status, published both as a histogram (so Prometheus can compute any
 * percentile over any window) and as precomputed p50/p95/p99 over the last minutes (so the
 * dashboard can show "p95 right now" without Prometheus).
 */
public final class Metrics implements AutoCloseable {
    public static final String REQUESTS = "launchline.http.requests";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics(String release, String environment) {
        registry.config().commonTags("environment", environment);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("launchline.build.info", () -> 1)
                .description("the running release (as /version shows it)")
                .tag("release", release)
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One answered request; {@code route} is the template, never the raw path (it may hold tokens). */
    public void recordRequest(String method, String route, int status, Duration took) {
        Timer.builder(REQUESTS)
                .description("HTTP requests by route template and status")
                .tag("method", method)
                .tag("route", route)
                .tag("status", String.valueOf(status))
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(took);
    }

    /** Latency of one route and status over the last minutes, as the timer's decaying window sees it. */
    public record RouteLatency(String method, String route, int status, long count, double p50Millis,
                               double p95Millis, double p99Millis) {
    }

    /** p50/p95/p99 per route and status right now, for the dashboard and the admin API. */
    public List<RouteLatency> routeLatencies() {
        List<RouteLatency> latencies = new ArrayList<>();
        for (Timer timer : registry.find(REQUESTS).timers()) {
            Map<Double, Double> percentiles = new HashMap<>();
            for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
                percentiles.put(value.percentile(), value.value(TimeUnit.MILLISECONDS));
            }
            latencies.add(new RouteLatency(timer.getId().getTag("method"), timer.getId().getTag("route"),
                    Integer.parseInt(timer.getId().getTag("status")), timer.count(),
                    percentiles.getOrDefault(0.5, 0.0), percentiles.getOrDefault(0.95, 0.0),
                    percentiles.getOrDefault(0.99, 0.0)));
        }
        latencies.sort(Comparator.comparing(RouteLatency::route).thenComparing(RouteLatency::status));
        return latencies;
    }

    /** The text exposition format Prometheus scrapes. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
