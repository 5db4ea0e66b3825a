package dev.launchline.invite;

import dev.launchline.admin.AdminAuthenticator;
import dev.launchline.funnel.Waitlist;
import dev.launchline.http.ApiException;
import dev.launchline.http.Fields;
import dev.launchline.http.Guard;
import dev.launchline.http.RequestBody;
import dev.launchline.http.Routes;
import dev.launchline.waitlist.Waitlists;
import io.javalin.http.Context;

import java.util.Set;
import java.util.regex.Pattern;

/** HTTP in and out for invite batches; the admin guard has let the request in (write scope: a POST). */
public final class InviteHandler {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Printable ASCII without spaces, as a UUID or any client-made id is: it is stored and compared as is. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final InviteBatches invites;
    private final Waitlists waitlists;

    public InviteHandler(InviteBatches invites, Waitlists waitlists) {
        this.invites = invites;
        this.waitlists = waitlists;
    }

    /**
     * POST /api/v1/admin/waitlists/{slug}/invites {"count": N} with an Idempotency-Key header.
     * 201 with the batch; the same key and body again answers with the first batch (and
     * {@code Idempotent-Replayed: true}) without inviting anyone.
     */
    public void inviteNext(Context ctx) {
        Waitlist waitlist = waitlists.find(ctx.pathParam("slug"));
        Fields body = RequestBody.read(ctx);
        int count = body.wholeNumber("count", 1, InviteBatches.MAX_COUNT, true).orElse(0);
        body.rejectUnknown(Set.of("count"));
        body.throwIfInvalid();
        String key = ctx.header(IDEMPOTENCY_KEY);
        if (key == null || key.isBlank()) {
            throw new ApiException(400, "idempotency_key_missing", "Send an Idempotency-Key header (a new random"
                    + " value, such as a UUID, per batch): a retry with the same key cannot invite twice.");
        }
        if (!KEY.matcher(key).matches()) {
            throw new ApiException(400, "idempotency_key_invalid",
                    "The Idempotency-Key must be 1 to 200 printable ASCII characters without spaces.");
        }
        InviteBatches.Outcome outcome = invites.inviteNext(waitlist, count, key, AdminAuthenticator.actor(ctx));
        if (outcome.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        ctx.status(201).json(outcome.batch());
    }

    /** GET /api/v1/admin/invite-token?token= : whom an invite link's token belongs to. */
    public void invitee(Context ctx) {
        String token = ctx.queryParam("token");
        if (token == null || token.isBlank()) {
            throw new ApiException(400, "invalid_token", "Send the invite link's token as ?token=.");
        }
        ctx.json(invites.invitee(token));
    }

    public Routes routes(Guard admin) {
        return routes -> routes
                .post("/api/v1/admin/waitlists/{slug}/invites", this::inviteNext, admin)
                .get("/api/v1/admin/invite-token", this::invitee, admin);
    }
}
