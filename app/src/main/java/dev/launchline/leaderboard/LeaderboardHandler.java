package dev.launchline.leaderboard;

import dev.launchline.http.ApiException;
import dev.launchline.http.Guard;
import dev.launchline.http.Routes;
import io.javalin.http.Context;

import java.util.List;

/** GET /api/v1/waitlists/{slug}/leaderboard: the public board, as JSON a landing page can show. */
public final class LeaderboardHandler {

    record Answer(String waitlist, List<Standings.Entry> entries) {
    }

    private final Leaderboards leaderboards;

    public LeaderboardHandler(Leaderboards leaderboards) {
        this.leaderboards = leaderboards;
    }

    /**
     * @param origins   the waitlist's own sites, which may read it from the browser
     * @param perClient the per-client limit of status lookups
     */
    public Routes routes(Guard origins, Guard perClient) {
        return routes -> routes.get("/api/v1/waitlists/{slug}/leaderboard", this::leaderboard, origins, perClient);
    }

    private void leaderboard(Context ctx) {
        String slug = ctx.pathParam("slug");
        // one answer for "no such waitlist" and "no leaderboard": neither is anyone's business
        CachedReading.Reading<Standings> reading = leaderboards.reading(slug)
                .orElseThrow(() -> ApiException.notFound("This leaderboard"));
        // a CDN or browser may keep it for what is left of our own reading's life, so the two
        // caches together never show a board older than one cache period
        ctx.header("Cache-Control", "public, max-age=" + reading.secondsLeft());
        // the answer for one site's Origin carries that site's CORS header: a shared cache must not
        // hand it to another site, nor a bare answer to a site that needs the header
        ctx.header("Vary", "Origin");
        ctx.json(new Answer(slug, reading.value().entries()));
    }
}
