package dev.launchline.lead;

import dev.launchline.funnel.ContactForm;
import dev.launchline.http.Routes;
import dev.launchline.http.Guard;
import dev.launchline.bots.BotDefence;
import dev.launchline.bots.BotSignals;
import dev.launchline.edge.ClientAddresses;
import dev.launchline.http.ApiException;
import dev.launchline.http.Fields;
import dev.launchline.http.RequestBody;
import dev.launchline.ratelimit.SubmissionLimits;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** HTTP in and out for contact-form submissions. */
public final class LeadHandler {
    private final LeadService service;
    private final Map<String, ContactForm> forms;
    private final URI publicBaseUrl;
    private final SubmissionLimits limits;
    private final BotDefence bots;

    public LeadHandler(LeadService service, List<ContactForm> forms, URI publicBaseUrl, SubmissionLimits limits,
                       BotDefence bots) {
        this.service = service;
        this.bots = bots;
        this.forms = forms.stream().collect(Collectors.toUnmodifiableMap(ContactForm::slug, Function.identity()));
        this.publicBaseUrl = publicBaseUrl;
        this.limits = limits;
    }

    /** POST /api/v1/forms/{slug}/submissions */
    public void submit(Context ctx) {
        ContactForm form = forms.get(ctx.pathParam("slug"));
        if (form == null) {
            throw ApiException.notFound("This form");
        }
        Fields fields = RequestBody.read(ctx);
        BotSignals signals = bots.takeSignals(fields);
        LeadRequest request = LeadRequest.from(fields, form);
        if (bots.admits(signals, request.email(), ClientAddresses.of(ctx))) {
            // after the bot checks, so dropped bots spend none of the address's allowance
            limits.checkEmail(request.email().key()); // the acknowledgement goes to this address: no list-bombing
            service.submit(form, request);
        } // else a silent drop: the bot gets the very answer a person gets

        if (RequestBody.isHtmlForm(ctx)) {
            ctx.redirect(form.redirectAfterSubmit().map(URI::toString)
                    .orElse(publicBaseUrl + "/thanks?form=" + form.slug()), HttpStatus.SEE_OTHER);
            return;
        }
        ctx.status(202).json(Map.of("status", "accepted", "message", "Thanks! We will get back to you soon."));
    }

    /** POST /api/v1/forms/{slug}/submissions, from the browser origins the form allows, limited per client. */
    public Routes routes(Guard formOrigins, Guard submissionsPerClient) {
        return routes -> routes.post("/api/v1/forms/{slug}/submissions", this::submit, formOrigins, submissionsPerClient);
    }
}
