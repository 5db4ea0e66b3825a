package dev.launchline.admin;

import dev.launchline.funnel.Waitlist;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.http.ApiException;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.waitlist.SignupFilter;
import dev.launchline.waitlist.SignupRepository;
import dev.launchline.waitlist.SignupService;
import dev.launchline.webhook.WebhookEvents;
import dev.launchline.waitlist.SignupSearchRepository;
import dev.launchline.waitlist.WaitlistEmails;
import dev.launchline.waitlist.Waitlists;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * What admins do with signups. Every change and its audit entry commit in one transaction;
 * mail goes through the outbox with the funnel's own templates.
 */
public final class AdminSignups {
    private static final Logger log = LoggerFactory.getLogger(AdminSignups.class);
    static final int EXPORT_FETCH_SIZE = 1000;

    private final DSLContext db;
    private final SignupSearchRepository search;
    private final SignupRepository signups;
    private final OutboxRepository outbox;
    private final WaitlistEmails emails;
    private final Waitlists waitlists;
    private final AuditRepository audit;
    private final Runnable mailQueued;
    private final Clock clock;
    private final WebhookEvents webhooks;

    public AdminSignups(DSLContext db, SignupSearchRepository search, SignupRepository signups, OutboxRepository outbox,
                        WaitlistEmails emails, Waitlists waitlists, AuditRepository audit, Runnable mailQueued,
                        Clock clock, WebhookEvents webhooks) {
        this.db = db;
        this.search = search;
        this.signups = signups;
        this.outbox = outbox;
        this.emails = emails;
        this.waitlists = waitlists;
        this.audit = audit;
        this.mailQueued = mailQueued;
        this.clock = clock;
        this.webhooks = webhooks;
    }

    public Page<SignupView> page(SignupFilter filter, Optional<Long> before, int limit) {
        return Page.of(search.page(db, filter, before, limit + 1), limit, SignupView::of, SignupRecord::getId);
    }

    public SignupView get(long id) {
        return signups.byId(db, id).map(SignupView::of).orElseThrow(AdminSignups::notFound);
    }

    /** Queues the double opt-in mail again, whatever the cooldown: an admin asked for it. */
    public SignupView resendConfirmation(long id, Actor actor) {
        SignupRecord resent = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            SignupRecord signup = signups.lockById(tx, id).orElseThrow(AdminSignups::notFound);
            if (signup.getIsTest()) {
                // a smoke check's signup gets exactly the one confirmation the check watches
                throw new ApiException(409, "smoke_signup", "This is a smoke-check signup; run the smoke check again.");
            }
            if (signup.getUnsubscribedAt() != null) {
                throw new ApiException(409, "unsubscribed", "This person unsubscribed; no mail is sent to them.");
            }
            if (signup.getConfirmedAt() != null) {
                throw new ApiException(409, "already_confirmed", "This signup is already confirmed.");
            }
            Waitlist waitlist = waitlists.find(signup.getWaitlist());
            outbox.enqueue(tx, emails.deferredConfirmation(waitlist, signup), id, null);
            signups.markMailed(tx, id, now());
            audit.record(tx, actor, "signup.resend_confirmation", "signup:" + id);
            return signup;
        });
        mailQueued.run();
        log.info("admin {} queued a new confirmation for signup {}", actor.tokenName(), id);
        return get(resent.getId());
    }

    public SignupView markInvited(long id, Actor actor) {
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!signups.markInvited(tx, id, now())) {
                throw notFound();
            }
            audit.record(tx, actor, "signup.mark_invited", "signup:" + id);
        });
        return get(id);
    }

    /** Erasure, the same path as the person's own erase link: the row, its queued mail and webhooks go. */
    public void erase(long id, Actor actor) {
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!SignupService.erase(tx, signups, webhooks, id)) {
                throw notFound();
            }
            audit.record(tx, actor, "signup.erase", "signup:" + id);
        });
        log.info("admin {} erased signup {}", actor.tokenName(), id);
    }

    /**
     * Writes every matching signup to {@code out} as CSV while reading them from a cursor: memory
     * holds one fetch batch, however many rows there are. The export is audited before the
     * first byte goes out, so an interrupted download is still on record.
     */
    public void export(SignupFilter filter, String filterDescription, Actor actor, OutputStream out) {
        db.transaction(configuration -> audit.record(configuration.dsl(), actor, "signups.export", filterDescription));
        db.transaction(configuration -> CsvExport.write(search.stream(configuration.dsl(), filter, EXPORT_FETCH_SIZE),
                out, SignupView.CSV_HEADER, SignupView::csvRow));
    }

    private static ApiException notFound() {
        return ApiException.notFound("This signup");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
