package dev.launchline.waitlist;

import dev.launchline.funnel.Waitlist;
import dev.launchline.bots.BotDefence;
import dev.launchline.bots.BotSignals;
import dev.launchline.edge.ClientAddress;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.http.ApiException;
import dev.launchline.http.Fields;
import dev.launchline.http.RequestBody;
import dev.launchline.ratelimit.SubmissionLimits;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.net.URI;

/** HTTP in and out for signups; the decisions live in {@link SignupService}. */
public final class SignupHandler {
    /**
     * The same answer whether the address is new, pending or confirmed: nothing to enumerate.
     * Written out once rather than serialised for every signup.
     */
    static final String ACCEPTED = """
            {"status":"accepted","message":"Thanks! Check your inbox for an email from us."}""";

    private final SignupService service;
    private final Waitlists waitlists;
    private final URI publicBaseUrl;
    private final SubmissionLimits limits;
    private final BotDefence bots;

    public SignupHandler(SignupService service, Waitlists waitlists, URI publicBaseUrl, SubmissionLimits limits,
                         BotDefence bots) {
        this.service = service;
        this.bots = bots;
        this.waitlists = waitlists;
        this.publicBaseUrl = publicBaseUrl;
        this.limits = limits;
    }

    /** POST /api/v1/waitlists/{slug}/signups */
    public void create(Context ctx) {
        Waitlist waitlist = waitlists.find(ctx.pathParam("slug"));
        Fields fields = RequestBody.read(ctx);
        BotSignals signals = bots.takeSignals(fields);
        SignupRequest request = SignupRequest.from(fields, waitlist);
        ClientAddress client = ClientAddresses.of(ctx);
        if (bots.admits(signals, request.email(), client)) {
            // after the bot checks, so dropped bots spend none of the victim address's allowance
            limits.checkEmail(request.email().key()); // before the transaction: a refused signup stores nothing
            if (request.referralCode().isPresent()
                    && !limits.mayCreditReferral(waitlist.slug(), request.referralCode().get())) {
                request = request.withoutReferral();
            }
            service.signUp(waitlist, request, client, ConsentRecord.originOf(ctx.header("Origin"), ctx.header("Referer")));
        } // else a silent drop: the bot gets the very answer a person gets

        if (RequestBody.isHtmlForm(ctx)) {
            // a plain <form> on a landing page: send the browser on to the thank-you page
            String thanks = waitlist.redirectAfterSignup().map(URI::toString)
                    .orElse(publicBaseUrl + "/thanks?waitlist=" + waitlist.slug());
            ctx.redirect(thanks, HttpStatus.SEE_OTHER);
            return;
        }
        ctx.status(202).contentType(ContentType.APPLICATION_JSON).result(ACCEPTED);
    }

    /** GET /api/v1/status?token=... */
    public void status(Context ctx) {
        ctx.json(service.status(requiredToken(ctx)));
    }

    static String requiredToken(Context ctx) {
        String token = ctx.queryParam("token");
        if (token == null || token.isBlank()) {
            throw new ApiException(400, "invalid_token", "This link is missing its token.");
        }
        return token;
    }
}
