package dev.launchline.leaderboard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of a waitlist's leaderboard, as the public may see it: display names only. Which
 * signup holds which rank stays on the server, so a person's own status page can point at theirs.
 */
public record Standings(List<Entry> entries, Map<Long, Integer> rankBySignup) {

    /** @param displayName the name the person chose, or their masked address; never more */
    public record Entry(int rank, String displayName, int referrals) {
    }

    static Standings of(List<LeaderboardRepository.Referrer> referrers) {
        List<Entry> entries = new ArrayList<>();
        Map<Long, Integer> ranks = new HashMap<>();
        for (LeaderboardRepository.Referrer referrer : referrers) {
            int rank = entries.size() + 1;
            String displayName = referrer.leaderboardName() != null
                    ? referrer.leaderboardName()
                    : MaskedAddress.of(referrer.email());
            entries.add(new Entry(rank, displayName, referrer.confirmedReferrals()));
            ranks.put(referrer.signupId(), rank);
        }
        return new Standings(List.copyOf(entries), Map.copyOf(ranks));
    }

    /** The signup's rank, when it is on the board. */
    public Optional<Integer> rankOf(long signupId) {
        return Optional.ofNullable(rankBySignup.get(signupId));
    }
}
