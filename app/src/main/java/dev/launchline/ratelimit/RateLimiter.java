package dev.launchline.ratelimit;

/** Takes one token from the bucket of {@code limit} for {@code key}, and says whether there was one. */
public interface RateLimiter {
    Decision tryConsume(Limit limit, String key);
}
