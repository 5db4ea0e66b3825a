package dev.launchline.waitlist;

import dev.launchline.http.ApiException;
import dev.launchline.http.Fields;
import dev.launchline.http.Pages;
import dev.launchline.http.RequestBody;
import dev.launchline.leaderboard.Leaderboards;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pages people reach from our emails. A GET only ever shows a page: mail security
 * scanners fetch every link in a message, and must not confirm, unsubscribe or erase anyone.
 * The action is the page's button, a POST.
 */
public final class EmailLinkHandler {
    private final SignupService service;
    private final Pages pages;
    private final Leaderboards leaderboards;

    public EmailLinkHandler(SignupService service, Pages pages, Leaderboards leaderboards) {
        this.service = service;
        this.pages = pages;
        this.leaderboards = leaderboards;
    }

    /** GET /confirm?token= : a page whose button confirms. */
    public void confirmPage(Context ctx) {
        String token = SignupHandler.requiredToken(ctx);
        ctx.html(pages.render("confirm", "Confirm your email", Map.of("token", token)));
    }

    /** POST /confirm (form field token) or POST /api/v1/confirmations (JSON {"token": ...}). */
    public void confirm(Context ctx) {
        Fields fields = RequestBody.read(ctx);
        fields.rejectUnknown(Set.of("token"));
        String token = fields.requiredText("token", RequestBody.MAX_BYTES);
        fields.throwIfInvalid();
        SignupService.Confirmation confirmation = service.confirm(token);
        if (RequestBody.isHtmlForm(ctx)) {
            if (confirmation.waitlist().redirectAfterConfirm().isPresent()) {
                ctx.redirect(confirmation.waitlist().redirectAfterConfirm().map(URI::toString).get(), HttpStatus.SEE_OTHER);
                return;
            }
            ctx.html(pages.render("confirmed", "You're on the list", Map.of(
                    "waitlist_name", confirmation.waitlist().name(),
                    "already", confirmation.alreadyConfirmed(),
                    "status_url", confirmation.statusUrl())));
            return;
        }
        ctx.json(Map.of("status", confirmation.alreadyConfirmed() ? "already_confirmed" : "confirmed"));
    }

    /** GET /status?token= */
    public void statusPage(Context ctx) {
        SignupService.Status status = service.status(SignupHandler.requiredToken(ctx));
        Map<String, Object> data = new HashMap<>();
        data.put("status", status);
        // the cached reading the public board serves (and the rank came from, unless it was read again
        // in between: then "(you)" is missing for one cache period at worst)
        leaderboards.current(status.waitlist()).ifPresent(standings -> data.put("leaderboard", Map.of(
                "entries", standings.entries().stream().map(entry -> Map.of(
                        "rank", entry.rank(),
                        "display_name", entry.displayName(),
                        "referrals", entry.referrals(),
                        "you", status.leaderboardRank() != null && status.leaderboardRank() == entry.rank())).toList(),
                "empty", standings.entries().isEmpty())));
        ctx.html(pages.render("status", "Your place in line", data));
    }

    /** GET /unsubscribe?token= : buttons to unsubscribe or to erase everything. */
    public void unsubscribePage(Context ctx) {
        ctx.html(pages.render("unsubscribe", "Unsubscribe", Map.of("token", SignupHandler.requiredToken(ctx))));
    }

    /**
     * POST /unsubscribe?token= : RFC 8058 one-click. Mailbox providers post
     * "List-Unsubscribe=One-Click" as a form or multipart body; the token is in the URL, so the
     * body is not needed and not parsed.
     */
    public void unsubscribe(Context ctx) {
        service.unsubscribe(SignupHandler.requiredToken(ctx));
        if (wantsJson(ctx)) {
            ctx.json(Map.of("status", "unsubscribed"));
        } else {
            ctx.html(pages.render("done", "Unsubscribed", Map.of(
                    "message", "You will get no more emails from this waitlist.")));
        }
    }

    /** POST /erase?token= : delete everything we hold about this person. */
    public void erase(Context ctx) {
        String token = ctx.queryParam("token");
        if (token == null) {
            Fields fields = RequestBody.read(ctx);
            fields.rejectUnknown(Set.of("token"));
            token = fields.requiredText("token", RequestBody.MAX_BYTES);
            fields.throwIfInvalid();
        }
        if (token == null || token.isBlank()) {
            throw new ApiException(400, "invalid_token", "This link is missing its token.");
        }
        service.erase(token);
        if (wantsJson(ctx)) {
            ctx.json(Map.of("status", "erased"));
        } else {
            ctx.html(pages.render("done", "Deleted", Map.of(
                    "message", "Everything we held about you has been deleted.")));
        }
    }

    private static boolean wantsJson(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("application/json") && !accept.contains("text/html");
    }
}
