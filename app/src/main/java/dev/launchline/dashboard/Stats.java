package dev.launchline.dashboard;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What GET /api/v1/admin/stats answers (snake_case in JSON). Counts over the window are of
 * signups created in it; email backlog, latency, errors and release are "right now".
 */
public record Stats(
        Window window,
        List<LocalDate> days,
        Signups signups,
        List<WaitlistFunnel> waitlists,
        Referrals referrals,
        Email email,
        List<RouteLatency> latency,
        Errors errors,
        Release release,
        OffsetDateTime generatedAt) {

    /** The window: {@code days} calendar days (UTC) ending today, from midnight of the first. */
    public record Window(int days, OffsetDateTime from) {
    }

    /** One line of a chart: a count for each of {@link Stats#days}, in the same order. */
    public record Series(String name, int total, List<Integer> perDay) {
    }

    public record Signups(int total, List<Series> perWaitlist, List<Series> perSource) {
    }

    public record WaitlistFunnel(String waitlist, int signups, int confirmed, double confirmationRate,
                                 int referralsCredited) {
    }

    public record Referrals(int credited, int notCredited, int unconfirmed) {
    }

    /**
     * @param suppressed           emails of the window not sent because their recipient is suppressed
     * @param suppressedAddresses  addresses on the suppression list right now
     */
    public record Email(int sent, int failedPending, int dead, int backlog, long oldestPendingAgeSeconds,
                        int suppressed, int suppressedAddresses) {
    }

    /** p95 (and p50, p99) of one route and status over the last minutes; count since start. */
    public record RouteLatency(String method, String route, int status, long count, double p50Ms, double p95Ms,
                               double p99Ms) {
    }

    /** 5xx responses since this instance started (the timers count from process start). */
    public record Errors(long serverErrorsSinceStart) {
    }

    public record Release(String release, String version, String commit, String buildTime, String environment) {
    }
}
