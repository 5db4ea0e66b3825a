package dev.launchline.dashboard;

import dev.launchline.health.BuildInfo;
import dev.launchline.metrics.Metrics;
import org.jooq.DSLContext;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The numbers behind the dashboard: the funnel from the database over a window of days, the
 * latency and errors of this instance from its meters, and the running release.
 */
public final class DashboardStats {
    public static final int MAX_DAYS = 366;
    /** Sources named on their own; the rest are summed as "(other)". */
    static final int NAMED_SOURCES = 8;

    private final DSLContext db;
    private final StatsRepository repository;
    private final Supplier<List<Metrics.RouteLatency>> latencies;
    private final Stats.Release release;
    private final Clock clock;

    public DashboardStats(DSLContext db, StatsRepository repository, Supplier<List<Metrics.RouteLatency>> latencies,
                          BuildInfo build, String environment, Clock clock) {
        this.db = db;
        this.repository = repository;
        this.latencies = latencies;
        this.release = new Stats.Release(build.release(), build.version(), build.commit(), build.buildTime(),
                environment);
        this.clock = clock;
    }

    /** {@code days} from 1 (today, UTC) to {@link #MAX_DAYS}; the caller has checked it. */
    public Stats lastDays(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days out of range: " + days);
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        LocalDate today = now.toLocalDate();
        LocalDate first = today.minusDays(days - 1L);
        OffsetDateTime from = first.atStartOfDay().atOffset(ZoneOffset.UTC);
        List<LocalDate> calendar = first.datesUntil(today.plusDays(1)).toList();

        List<Stats.Series> perWaitlist = series(calendar, repository.signupsPerDayAndWaitlist(db, from));
        List<String> sources = repository.topSources(db, from, NAMED_SOURCES);
        List<Stats.Series> perSource = series(calendar, repository.signupsPerDayAndSource(db, from, sources));
        int total = perWaitlist.stream().mapToInt(Stats.Series::total).sum();

        List<Stats.WaitlistFunnel> waitlists = repository.perWaitlist(db, from).stream()
                .map(counts -> new Stats.WaitlistFunnel(counts.waitlist(), counts.signups(), counts.confirmed(),
                        rate(counts.confirmed(), counts.signups()), counts.referralsCredited()))
                .toList();
        StatsRepository.ReferralCounts referrals = repository.referrals(db, from);
        StatsRepository.EmailCounts email = repository.email(db, from);
        long oldestAge = email.oldestUndeliveredCreatedAt()
                .map(created -> Math.max(0, Duration.between(created, now).toSeconds()))
                .orElse(0L);

        List<Metrics.RouteLatency> routes = latencies.get();
        return new Stats(
                new Stats.Window(days, from),
                calendar,
                new Stats.Signups(total, perWaitlist, perSource),
                waitlists,
                new Stats.Referrals(referrals.credited(), referrals.notCredited(), referrals.unconfirmed()),
                new Stats.Email(email.sent(), email.failedPending(), email.dead(), email.backlog(), oldestAge,
                        email.suppressed(), email.suppressedAddresses()),
                routes.stream()
                        .map(route -> new Stats.RouteLatency(route.method(), route.route(), route.status(),
                                route.count(), route.p50Millis(), route.p95Millis(), route.p99Millis()))
                        .toList(),
                new Stats.Errors(routes.stream()
                        .filter(route -> route.status() >= 500)
                        .mapToLong(Metrics.RouteLatency::count)
                        .sum()),
                release,
                now);
    }

    /** Dense series: a count for every day of the calendar, zero where the database had no row. */
    private static List<Stats.Series> series(List<LocalDate> calendar, List<StatsRepository.DailyCount> counts) {
        Map<String, int[]> byKey = new LinkedHashMap<>();
        LocalDate first = calendar.get(0);
        for (StatsRepository.DailyCount count : counts) {
            int index = (int) (count.day().toEpochDay() - first.toEpochDay());
            if (index >= 0 && index < calendar.size()) { // a row created after "now" was read lands nowhere
                byKey.computeIfAbsent(count.key(), key -> new int[calendar.size()])[index] += count.count();
            }
        }
        List<Stats.Series> series = new ArrayList<>();
        byKey.forEach((key, perDay) -> {
            List<Integer> values = Arrays.stream(perDay).boxed().toList();
            series.add(new Stats.Series(key, values.stream().mapToInt(Integer::intValue).sum(), values));
        });
        series.sort((a, b) -> Integer.compare(b.total(), a.total()));
        return series;
    }

    /** Confirmed per signup, 0..1 rounded to four places; 0 when there were no signups. */
    private static double rate(int confirmed, int signups) {
        return signups == 0 ? 0 : Math.round(confirmed * 10_000.0 / signups) / 10_000.0;
    }
}
