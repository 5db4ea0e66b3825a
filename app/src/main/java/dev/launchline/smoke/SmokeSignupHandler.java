package dev.launchline.smoke;

import dev.launchline.funnel.Waitlist;
import dev.launchline.http.Routes;
import dev.launchline.http.Guard;
import dev.launchline.admin.AdminAuthenticator;
import dev.launchline.email.EmailAddress;
import dev.launchline.http.ApiException;
import dev.launchline.http.Fields;
import dev.launchline.http.RequestBody;
import dev.launchline.waitlist.Waitlists;
import io.javalin.http.Context;

import java.util.Set;

/**
 * HTTP in and out for the smoke check's admin routes; {@link AdminAuthenticator} has let the
 * request in (POST and DELETE need a write token, GET read).
 */
public final class SmokeSignupHandler {
    private final SmokeSignups smoke;
    private final Waitlists waitlists;

    public SmokeSignupHandler(SmokeSignups smoke, Waitlists waitlists) {
        this.smoke = smoke;
        this.waitlists = waitlists;
    }

    /** POST /api/v1/admin/smoke-signups {"waitlist": "beta", "email": "smoke+x@example.com"} */
    public void create(Context ctx) {
        Fields fields = RequestBody.read(ctx);
        String slug = fields.requiredText("waitlist", 64);
        String rawEmail = fields.requiredText("email", 320);
        if (rawEmail != null && EmailAddress.parse(rawEmail, false).isEmpty()) {
            fields.problem("email", "must be a valid email address");
        }
        fields.rejectUnknown(Set.of("waitlist", "email"));
        fields.throwIfInvalid();
        Waitlist waitlist = waitlists.find(slug);
        EmailAddress email = EmailAddress.parse(rawEmail, waitlist.foldGmailDots()).orElseThrow();
        ctx.status(201).json(smoke.create(waitlist, email, AdminAuthenticator.actor(ctx)));
    }

    /** GET /api/v1/admin/smoke-signups/{id} */
    public void status(Context ctx) {
        ctx.json(smoke.status(id(ctx)));
    }

    /** DELETE /api/v1/admin/smoke-signups/{id} */
    public void delete(Context ctx) {
        smoke.delete(id(ctx), AdminAuthenticator.actor(ctx));
        ctx.status(204);
    }

    private static long id(Context ctx) {
        String raw = ctx.pathParam("id");
        if (!raw.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("This smoke-check signup");
        }
        return Long.parseLong(raw);
    }

    /** The synthetic smoke check (launchline smoke): create a test signup, watch its mail, delete it. */
    public Routes routes(Guard admin) {
        return routes -> routes.post("/api/v1/admin/smoke-signups", this::create, admin)
                .get("/api/v1/admin/smoke-signups/{id}", this::status, admin)
                .delete("/api/v1/admin/smoke-signups/{id}", this::delete, admin);
    }
}
