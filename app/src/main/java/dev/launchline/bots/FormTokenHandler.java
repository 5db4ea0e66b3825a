package dev.launchline.bots;

import dev.launchline.http.Routes;
import dev.launchline.http.Guard;
import io.javalin.http.Context;

import java.util.Map;

/** GET /api/v1/form-token: what a landing page puts in its form before showing it. */
public final class FormTokenHandler {
    private final FormTokens formTokens;
    private final BotDefenceSettings settings;

    public FormTokenHandler(FormTokens formTokens, BotDefenceSettings settings) {
        this.formTokens = formTokens;
        this.settings = settings;
    }

    public void issue(Context ctx) {
        ctx.json(Map.of(
                "form_token", formTokens.issue(),
                "form_token_field", BotDefenceSettings.FORM_TOKEN_FIELD,
                "honeypot_field", settings.honeypotField(),
                "min_fill_seconds", settings.minFillTime().toSeconds(),
                "expires_in_seconds", settings.formTokenMaxAge().toSeconds()));
    }

    /** The values a server-rendered form needs: a fresh token and the honeypot's name. */
    public Map<String, String> formFields() {
        return Map.of("form_token", formTokens.issue(), "honeypot_field", settings.honeypotField());
    }

    /** GET /api/v1/form-token: a landing page asks for one before it shows the form. */
    public Routes routes(Guard funnelOrigins) {
        return routes -> routes.get("/api/v1/form-token", this::issue, funnelOrigins);
    }
}
