package dev.launchline.smoke;

import dev.launchline.funnel.Waitlist;
import dev.launchline.admin.Actor;
import dev.launchline.admin.AuditRepository;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.email.EmailAddress;
import dev.launchline.http.ApiException;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.waitlist.SignupRepository;
import dev.launchline.waitlist.WaitlistEmails;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * The service side of the synthetic smoke check: create a marked test signup, report whether its
 * confirmation mail left, delete it.
 * <p>
 * Why the admin API creates the test signup, rather than the public form with a marker: a
 * marker on the public path (a reserved address form, a field, a header) is something the public
 * can send too - to hide entries from the founder's numbers or to skip the bot defence - unless
 * it is proven by a secret, and then the admin token would travel on a public route. Here the
 * marker (signup.is_test) can only be set by a write-scoped admin token, every creation and
 * deletion is in the audit log, and the public path has no way to set it. What the check then
 * proves end to end is the part customers lose first: the service is reachable, the database
 * takes a signup, and the confirmation mail (the funnel's own template and outbox) is accepted by
 * SMTP. The public handler itself is covered by the test suite and the load tests.
 * <p>
 * A test signup gets that one confirmation and nothing else: it never joins the line (V10 forbids
 * a position), never credits or earns referrals, and is left out of admin lists and exports unless
 * asked for. Rows a crashed run left behind go with the purge of unconfirmed signups.
 */
public final class SmokeSignups {
    private static final Logger log = LoggerFactory.getLogger(SmokeSignups.class);
    /** Public referral codes are 10 characters without a hyphen: these can never collide with one. */
    private static final String CODE_PREFIX = "smoke-";

    private final DSLContext db;
    private final SignupRepository signups;
    private final OutboxRepository outbox;
    private final WaitlistEmails emails;
    private final AuditRepository audit;
    private final Runnable mailQueued;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SmokeSignups(DSLContext db, SignupRepository signups, OutboxRepository outbox, WaitlistEmails emails,
                        AuditRepository audit, Runnable mailQueued, Clock clock) {
        this.db = db;
        this.signups = signups;
        this.outbox = outbox;
        this.emails = emails;
        this.audit = audit;
        this.mailQueued = mailQueued;
        this.clock = clock;
    }

    /** Stores the test signup and queues its confirmation, with the audit entry, in one transaction. */
    public SmokeSignupView create(Waitlist waitlist, EmailAddress email, Actor actor) {
        SignupRecord created = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            OffsetDateTime now = now();
            SignupRecord signup = signups.insertTestIfNew(tx, waitlist.slug(), email, referralCode(), now)
                    .orElseThrow(() -> new ApiException(409, "conflict",
                            "This address is already on the waitlist; use a fresh smoke address."));
            // always the double opt-in mail, even on a waitlist without confirmation: it is what is checked
            outbox.enqueue(tx, emails.deferredConfirmation(waitlist, signup), signup.getId(), null);
            audit.record(tx, actor, "smoke.create_signup", "signup:" + signup.getId());
            return signup;
        });
        mailQueued.run();
        log.info("admin {} created smoke-check signup {} on waitlist {}", actor.tokenName(), created.getId(),
                waitlist.slug());
        return status(created.getId());
    }

    /** Only test signups: this endpoint is no window onto real people's mail. */
    public SmokeSignupView status(long id) {
        SignupRecord signup = signups.byId(db, id)
                .filter(SignupRecord::getIsTest)
                .orElseThrow(SmokeSignups::notFound);
        return SmokeSignupView.of(signup, outbox.latestFor(id, WaitlistEmails.CONFIRM));
    }

    /** Deletes a test signup and its mail; a real signup's id is a 404, never a deletion. */
    public void delete(long id, Actor actor) {
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!signups.deleteTest(tx, id)) {
                throw notFound();
            }
            audit.record(tx, actor, "smoke.delete_signup", "signup:" + id);
        });
        log.info("admin {} deleted smoke-check signup {}", actor.tokenName(), id);
    }

    private String referralCode() {
        byte[] bytes = new byte[10];
        random.nextBytes(bytes);
        return CODE_PREFIX + HexFormat.of().formatHex(bytes);
    }

    private static ApiException notFound() {
        return ApiException.notFound("This smoke-check signup");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
