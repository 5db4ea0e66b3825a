package dev.launchline.ratelimit;

import dev.launchline.http.ApiException;

import java.util.Map;

/** 429 rate_limited: the answer when a bucket is empty. Nothing has been stored when it is thrown. */
public final class RateLimitedException extends ApiException {
    private final Decision decision;

    public RateLimitedException(Decision decision, String what) {
        super(429, "rate_limited", what + " Please wait " + Math.max(1, RateLimitHeaders.secondsRoundedUp(decision.retryAfter()))
                + " seconds and try again; nothing was saved.");
        this.decision = decision;
    }

    public Decision decision() {
        return decision;
    }

    @Override
    public Map<String, String> headers() {
        return RateLimitHeaders.of(decision);
    }
}
