package dev.launchline.admin;

import dev.launchline.http.Guard;
import dev.launchline.http.Routes;
import io.javalin.http.Context;

import java.util.Map;

/** HTTP in and out for the webhooks part of the admin API. */
public final class AdminWebhookHandler {
    private final AdminWebhooks webhooks;

    public AdminWebhookHandler(AdminWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** GET /api/v1/admin/webhooks */
    public void listEndpoints(Context ctx) {
        AdminQuery.paging(ctx).check(); // no parameters of its own; a stray one is a typo worth hearing about
        ctx.json(Map.of("endpoints", webhooks.endpoints()));
    }

    /** GET /api/v1/admin/webhooks/deliveries */
    public void listDeliveries(Context ctx) {
        AdminQuery query = AdminQuery.webhookDeliveries(ctx);
        var status = query.webhookStatus();
        var endpoint = query.endpoint();
        int limit = query.limit();
        var before = query.before();
        query.check();
        ctx.json(webhooks.page(status, endpoint, before, limit));
    }

    /** GET /api/v1/admin/webhooks/deliveries/{id} */
    public void getDelivery(Context ctx) {
        ctx.json(webhooks.get(AdminQuery.id(ctx)));
    }

    /** POST /api/v1/admin/webhooks/deliveries/{id}/replay */
    public void replay(Context ctx) {
        ctx.status(202).json(webhooks.replay(AdminQuery.id(ctx), AdminAuthenticator.actor(ctx)));
    }

    /** POST /api/v1/admin/webhooks/{endpoint}/replay-dead */
    public void replayDead(Context ctx) {
        ctx.status(202).json(webhooks.replayDead(ctx.pathParam("endpoint"), AdminAuthenticator.actor(ctx)));
    }

    /** Behind the admin token: GET needs read, POST write. */
    public Routes routes(Guard admin) {
        return routes -> routes
                .get("/api/v1/admin/webhooks", this::listEndpoints, admin)
                .get("/api/v1/admin/webhooks/deliveries", this::listDeliveries, admin)
                .get("/api/v1/admin/webhooks/deliveries/{id}", this::getDelivery, admin)
                .post("/api/v1/admin/webhooks/deliveries/{id}/replay", this::replay, admin)
                .post("/api/v1/admin/webhooks/{endpoint}/replay-dead", this::replayDead, admin);
    }
}
