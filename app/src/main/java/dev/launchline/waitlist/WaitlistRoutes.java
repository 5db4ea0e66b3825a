package dev.launchline.waitlist;

import dev.launchline.http.Guard;
import dev.launchline.http.RouteTable;
import dev.launchline.http.Routes;

/**
 * The waitlist's public API and the pages its email links open. The pages follow one rule: a GET
 * only shows (mail scanners follow links), the page's button, a POST, acts.
 */
public record WaitlistRoutes(SignupHandler signups, EmailLinkHandler emailLinks, Guards guards) implements Routes {

    /**
     * @param signupOrigins       the browser origins a waitlist's signup endpoint accepts
     * @param funnelOrigins       those of the endpoints reached from email links
     * @param signupsPerClient    the per-client limits (ratelimit)
     */
    public record Guards(Guard signupOrigins, Guard funnelOrigins, Guard signupsPerClient,
                         Guard emailLinksPerClient, Guard statusLookupsPerClient) {
    }

    @Override
    public void register(RouteTable routes) {
        Guard funnel = guards.funnelOrigins();
        Guard links = guards.emailLinksPerClient();
        Guard lookups = guards.statusLookupsPerClient();
        routes.post("/api/v1/waitlists/{slug}/signups", signups::create, guards.signupOrigins(), guards.signupsPerClient())
                .post("/api/v1/confirmations", emailLinks::confirm, funnel, links)
                .get("/api/v1/status", signups::status, funnel, lookups)
                .post("/api/v1/unsubscribe", emailLinks::unsubscribe, funnel, links)
                .post("/api/v1/erasure", emailLinks::erase, funnel, links)
                .get("/confirm", emailLinks::confirmPage, funnel)
                .post("/confirm", emailLinks::confirm, funnel, links)
                .get("/status", emailLinks::statusPage, lookups)
                .get("/unsubscribe", emailLinks::unsubscribePage, funnel)
                .post("/unsubscribe", emailLinks::unsubscribe, funnel, links)
                .post("/erase", emailLinks::erase, funnel, links);
    }
}
