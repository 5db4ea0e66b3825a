package dev.launchline.embedded;

import dev.launchline.devstack.DevMailServer;
import dev.launchline.http.Pages;
import dev.launchline.http.Routes;
import io.javalin.http.Context;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * GET /_dev/mail: the mail the embedded SMTP server captured, newest first. JSON for scripts
 * and load tests ({@code ?to=address} filters), an HTML inbox for browsers. Only registered
 * when the embedded mail server runs, which only dev and test allow.
 */
public final class DevMailHandler {
    private final Supplier<List<DevMailServer.CapturedMail>> mail;
    private final Pages pages;

    public DevMailHandler(Supplier<List<DevMailServer.CapturedMail>> mail, Pages pages) {
        this.mail = mail;
        this.pages = pages;
    }

    /**
     * The dev inbox, and the demo landing page at / (plain HTML forms for the demo waitlist and
     * contact form, with the bot-defence fields a real landing page would carry).
     */
    public Routes routes(Supplier<Map<String, String>> formFields) {
        return routes -> routes.get("/_dev/mail", this::list)
                .get("/", ctx -> {
                    Map<String, String> page = new HashMap<>(formFields.get());
                    page.put("ref", Optional.ofNullable(ctx.queryParam("ref")).orElse("")); // referral links land here
                    ctx.html(pages.render("dev-home", "Launchline", page));
                });
    }

    public void list(Context ctx) {
        String to = ctx.queryParam("to");
        List<DevMailServer.CapturedMail> messages = mail.get().reversed().stream()
                .filter(message -> to == null || message.to().stream().anyMatch(address -> address.equalsIgnoreCase(to)))
                .toList();
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/html")) {
            ctx.html(pages.render("dev-mail", "Dev inbox", Map.of("messages", messages, "count", messages.size())));
        } else {
            ctx.json(Map.of("count", messages.size(), "messages", messages));
        }
    }
}
