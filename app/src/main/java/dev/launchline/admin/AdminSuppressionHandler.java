package dev.launchline.admin;

import dev.launchline.email.EmailAddress;
import dev.launchline.http.Fields;
import dev.launchline.http.Guard;
import dev.launchline.http.RequestBody;
import dev.launchline.http.Routes;
import io.javalin.http.Context;

import java.util.Optional;
import java.util.Set;

/** HTTP in and out for the suppression list in the admin API. */
public final class AdminSuppressionHandler {
    private final AdminSuppressions suppressions;

    public AdminSuppressionHandler(AdminSuppressions suppressions) {
        this.suppressions = suppressions;
    }

    /** GET /api/v1/admin/suppressions?email=&reason=&limit=&before= */
    public void list(Context ctx) {
        AdminQuery query = AdminQuery.suppressions(ctx);
        var reason = query.suppressionReason();
        var email = query.email();
        int limit = query.limit();
        var before = query.before();
        query.check();
        ctx.json(suppressions.page(reason, email, before, limit));
    }

    /** GET /api/v1/admin/suppressions/{id} */
    public void get(Context ctx) {
        ctx.json(suppressions.get(AdminQuery.id(ctx)));
    }

    /** POST /api/v1/admin/suppressions {"email": "...", "note": "asked by reply"} */
    public void add(Context ctx) {
        Fields fields = RequestBody.read(ctx);
        String email = fields.requiredText("email", 320);
        Optional<String> note = fields.text("note", 500);
        if (email != null && EmailAddress.parse(email, false).isEmpty()) {
            fields.problem("email", "must be a valid email address");
        }
        fields.rejectUnknown(Set.of("email", "note"));
        fields.throwIfInvalid();
        String address = EmailAddress.parse(email, false).orElseThrow().address();
        ctx.status(201).json(suppressions.suppress(address, note, AdminAuthenticator.actor(ctx)));
    }

    /** DELETE /api/v1/admin/suppressions/{id}: lifts it */
    public void lift(Context ctx) {
        suppressions.lift(AdminQuery.id(ctx), AdminAuthenticator.actor(ctx));
        ctx.status(204);
    }

    /** Behind the admin token: GET needs read, POST and DELETE write. */
    public Routes routes(Guard admin) {
        return routes -> routes
                .get("/api/v1/admin/suppressions", this::list, admin)
                .post("/api/v1/admin/suppressions", this::add, admin)
                .get("/api/v1/admin/suppressions/{id}", this::get, admin)
                .delete("/api/v1/admin/suppressions/{id}", this::lift, admin);
    }
}
