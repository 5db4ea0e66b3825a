package dev.launchline.waitlist;

import dev.launchline.funnel.Waitlist;
import dev.launchline.http.ApiException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The configured waitlists by slug. */
public final class Waitlists {
    private final Map<String, Waitlist> bySlug;

    public Waitlists(List<Waitlist> waitlists) {
        this.bySlug = waitlists.stream().collect(Collectors.toUnmodifiableMap(Waitlist::slug, Function.identity()));
    }

    /** The waitlist, or a 404 (the slug is not echoed back). */
    public Waitlist find(String slug) {
        Waitlist waitlist = bySlug.get(slug);
        if (waitlist == null) {
            throw ApiException.notFound("This waitlist");
        }
        return waitlist;
    }

    /** The waitlist, if it is still configured (for mail queued before a configuration change). */
    public Optional<Waitlist> configured(String slug) {
        return Optional.ofNullable(bySlug.get(slug));
    }

    /** For rows already in the database: a waitlist removed from config is a 410 for its links. */
    public Waitlist require(String slug) {
        Waitlist waitlist = bySlug.get(slug);
        if (waitlist == null) {
            throw new ApiException(410, "token_expired", "This waitlist is closed.");
        }
        return waitlist;
    }
}
