package dev.launchline.funnel;

import java.time.Duration;

/**
 * A waitlist's public leaderboard of referrers, when its funnels entry has one.
 *
 * @param size  how many referrers it shows
 * @param cache how long one reading is served before the next query: a launch spike costs
 *              one query per this long, and an erased or unsubscribed person stays at most this long
 */
public record Leaderboard(int size, Duration cache) {
    public static final int DEFAULT_SIZE = 10;
    public static final int MAX_SIZE = 100;
    public static final int DEFAULT_CACHE_SECONDS = 15;
    public static final int MAX_CACHE_SECONDS = 300;
}
