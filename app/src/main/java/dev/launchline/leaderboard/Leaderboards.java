package dev.launchline.leaderboard;

import dev.launchline.funnel.Waitlist;
import org.jooq.DSLContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The leaderboards of the waitlists that have one (funnels: "leaderboard"), each read by one
 * query at most once per its cache period. An erased or unsubscribed person leaves the board
 * with the next reading.
 */
public final class Leaderboards {
    private final Map<String, CachedReading<Standings>> bySlug;

    public Leaderboards(DSLContext db, LeaderboardRepository repository, List<Waitlist> waitlists, LongSupplier nanoTime) {
        this.bySlug = waitlists.stream()
                .filter(waitlist -> waitlist.leaderboard().isPresent())
                .collect(Collectors.toUnmodifiableMap(Waitlist::slug, waitlist -> new CachedReading<>(
                        () -> Standings.of(repository.top(db, waitlist.slug(), waitlist.leaderboard().get().size())),
                        waitlist.leaderboard().get().cache(), nanoTime)));
    }

    /** The waitlist's board; empty when it has none (or there is no such waitlist). */
    public Optional<Standings> current(String waitlist) {
        return reading(waitlist).map(CachedReading.Reading::value);
    }

    Optional<CachedReading.Reading<Standings>> reading(String waitlist) {
        return Optional.ofNullable(bySlug.get(waitlist)).map(CachedReading::get);
    }
}
