package dev.launchline.admin;

import dev.launchline.http.Routes;
import dev.launchline.http.Guard;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;

/** HTTP in and out for the admin API; {@link AdminAuthenticator} has let the request in. */
public final class AdminHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private final AdminSignups signups;
    private final AdminLeads leads;
    private final AdminAuditLog audit;
    private final AdminPeople people;

    public AdminHandler(AdminSignups signups, AdminLeads leads, AdminAuditLog audit, AdminPeople people) {
        this.people = people;
        this.signups = signups;
        this.leads = leads;
        this.audit = audit;
    }

    /** GET /api/v1/admin/signups */
    public void listSignups(Context ctx) {
        AdminQuery query = AdminQuery.signups(ctx, true);
        var filter = query.signupFilter();
        int limit = query.limit();
        var before = query.before();
        query.check();
        ctx.json(signups.page(filter, before, limit));
    }

    /** GET /api/v1/admin/signups/{id} */
    public void getSignup(Context ctx) {
        ctx.json(signups.get(AdminQuery.id(ctx)));
    }

    /** GET /api/v1/admin/signups/export: CSV, streamed while it is read from the database. */
    public void exportSignups(Context ctx) {
        AdminQuery query = AdminQuery.signups(ctx, false);
        var filter = query.signupFilter();
        query.check();
        csv(ctx, "signups.csv");
        try {
            signups.export(filter, query.describe(), AdminAuthenticator.actor(ctx), ctx.outputStream());
        } catch (UncheckedIOException clientGone) {
            log.info("signup export stopped: the client went away");
        }
    }

    /** POST /api/v1/admin/signups/{id}/resend-confirmation */
    public void resendConfirmation(Context ctx) {
        ctx.status(202).json(signups.resendConfirmation(AdminQuery.id(ctx), AdminAuthenticator.actor(ctx)));
    }

    /** POST /api/v1/admin/signups/{id}/invite */
    public void markInvited(Context ctx) {
        ctx.json(signups.markInvited(AdminQuery.id(ctx), AdminAuthenticator.actor(ctx)));
    }

    /** DELETE /api/v1/admin/signups/{id} */
    public void eraseSignup(Context ctx) {
        signups.erase(AdminQuery.id(ctx), AdminAuthenticator.actor(ctx));
        ctx.status(204);
    }

    /** GET /api/v1/admin/leads */
    public void listLeads(Context ctx) {
        AdminQuery query = AdminQuery.leads(ctx, true);
        var filter = query.leadFilter();
        int limit = query.limit();
        var before = query.before();
        query.check();
        ctx.json(leads.page(filter, before, limit));
    }

    /** GET /api/v1/admin/leads/{id} */
    public void getLead(Context ctx) {
        ctx.json(leads.get(AdminQuery.id(ctx)));
    }

    /** GET /api/v1/admin/leads/export */
    public void exportLeads(Context ctx) {
        AdminQuery query = AdminQuery.leads(ctx, false);
        var filter = query.leadFilter();
        query.check();
        csv(ctx, "leads.csv");
        try {
            leads.export(filter, query.describe(), AdminAuthenticator.actor(ctx), ctx.outputStream());
        } catch (UncheckedIOException clientGone) {
            log.info("lead export stopped: the client went away");
        }
    }

    /** DELETE /api/v1/admin/leads/{id} */
    public void eraseLead(Context ctx) {
        leads.erase(AdminQuery.id(ctx), AdminAuthenticator.actor(ctx));
        ctx.status(204);
    }

    /** GET /api/v1/admin/people/export?email= : everything stored about one person, as JSON. */
    public void exportPerson(Context ctx) {
        AdminQuery query = AdminQuery.person(ctx);
        String email = query.requiredEmail();
        query.check();
        ctx.header("Cache-Control", "no-store");
        ctx.json(people.export(email, AdminAuthenticator.actor(ctx)));
    }

    /** GET /api/v1/admin/audit */
    public void auditLog(Context ctx) {
        AdminQuery query = AdminQuery.paging(ctx);
        int limit = query.limit();
        var before = query.before();
        query.check();
        ctx.json(audit.page(before, limit));
    }

    private static void csv(Context ctx, String filename) {
        ctx.status(200);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
        ctx.header("X-Content-Type-Options", "nosniff");
    }

    /** The admin API: every route behind the admin token (GET needs read, the rest write). */
    public Routes routes(Guard admin) {
        return routes -> routes.gateUnknownPaths("/api/v1/admin/", admin)
                .get("/api/v1/admin/signups", this::listSignups, admin)
                .get("/api/v1/admin/signups/export", this::exportSignups, admin)
                .get("/api/v1/admin/signups/{id}", this::getSignup, admin)
                .delete("/api/v1/admin/signups/{id}", this::eraseSignup, admin)
                .post("/api/v1/admin/signups/{id}/resend-confirmation", this::resendConfirmation, admin)
                .post("/api/v1/admin/signups/{id}/invite", this::markInvited, admin)
                .get("/api/v1/admin/leads", this::listLeads, admin)
                .get("/api/v1/admin/leads/export", this::exportLeads, admin)
                .get("/api/v1/admin/leads/{id}", this::getLead, admin)
                .delete("/api/v1/admin/leads/{id}", this::eraseLead, admin)
                .get("/api/v1/admin/people/export", this::exportPerson, admin)
                .get("/api/v1/admin/audit", this::auditLog, admin);
    }
}
