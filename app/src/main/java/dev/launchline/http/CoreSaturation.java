package dev.launchline.http;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the machine's cores are all but saturated while requests come in: the signal for the
 * mail senders to give way (OUTBOX_SHARE_WHEN_BUSY) when requests are not queueing for a slot,
 * because fewer arrive at once than there are slots, yet wait for a core. Saturated when
 * {@link #IN_A_ROW} samples in a row say so, one every {@link #EVERY}, each from the operating
 * system's CPU load (the whole machine, or the container where the JVM sees one: PostgreSQL counts
 * when it shares the cores) and the count of requests taken (health probes do not count). Without a
 * CPU load (an OS that does not report it), never saturated: the slot queue alone speaks.
 */
public final class CoreSaturation implements AutoCloseable {
    /** Busy enough that mail would take its CPU from signups. */
    static final double SATURATED = 0.90;
    static final Duration EVERY = Duration.ofMillis(100);
    /**
     * Samples in a row that must find the cores saturated: a burst (a collection, the senders
     * catching up after a pause) saturates a 2-core machine for a sample now and then even at
     * 1,000 signups/s, where mail keeps pace; giving way to each such burst delayed mail by up to
     * a second (signup to SMTP p95 708 ms against 29-86 ms) and helped no signup.
     */
    static final int IN_A_ROW = 3;

    private final DoubleSupplier cpuLoad;
    private final LongSupplier requestsSoFar;
    private final ScheduledExecutorService sampler;
    private long requestsAtLastLook;
    private int saturatedLooks;
    private volatile boolean saturated;

    /**
     * @param cpuLoad       the CPU load since the previous call, 0 to 1 (negative: unknown)
     * @param requestsSoFar requests taken since the start (OverloadShedding#getTotalRequestCount)
     */
    CoreSaturation(DoubleSupplier cpuLoad, LongSupplier requestsSoFar) {
        this.cpuLoad = cpuLoad;
        this.requestsSoFar = requestsSoFar;
        this.requestsAtLastLook = requestsSoFar.getAsLong();
        this.sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("core-saturation").daemon().factory());
    }

    /** Sampling this machine's CPU load every {@link #EVERY}. */
    public static CoreSaturation of(LongSupplier requestsSoFar) {
        com.sun.management.OperatingSystemMXBean os =
                ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        return new CoreSaturation(os == null ? () -> -1 : os::getCpuLoad, requestsSoFar).started();
    }

    CoreSaturation started() {
        sampler.scheduleAtFixedRate(this::look, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One sample: the CPU load since the last one, and whether requests came in meanwhile. One thread at a time. */
    void look() {
        double load = cpuLoad.getAsDouble();
        long requests = requestsSoFar.getAsLong();
        saturatedLooks = load >= SATURATED && requests > requestsAtLastLook ? saturatedLooks + 1 : 0;
        saturated = saturatedLooks >= IN_A_ROW;
        requestsAtLastLook = requests;
    }

    /** As of the latest sample. */
    public boolean saturated() {
        return saturated;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
