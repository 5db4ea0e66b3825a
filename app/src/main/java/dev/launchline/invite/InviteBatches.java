package dev.launchline.invite;

import dev.launchline.admin.Actor;
import dev.launchline.admin.AuditRepository;
import dev.launchline.db.schema.tables.records.InviteBatchRecord;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.webhook.WebhookEvents;
import dev.launchline.funnel.Waitlist;
import dev.launchline.http.ApiException;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.token.TokenSigner;
import dev.launchline.token.TokenSigner.Purpose;
import dev.launchline.waitlist.SignupRepository;
import dev.launchline.waitlist.WaitlistEmails;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * "Let the next N in": invites the next confirmed people in a waitlist's line and queues each an
 * invite email. The batch row, the people marked invited, their emails and the audit entry commit
 * in one transaction, so a failure leaves nobody half-invited.
 */
public final class InviteBatches {
    private static final Logger log = LoggerFactory.getLogger(InviteBatches.class);
    public static final int MAX_COUNT = 1000;

    /** @param replayed the key had been used: this is the first request's batch, nobody new was invited */
    public record Outcome(InviteBatch batch, boolean replayed) {
    }

    private final DSLContext db;
    private final InviteBatchRepository batches;
    private final SignupRepository signups;
    private final OutboxRepository outbox;
    private final WaitlistEmails emails;
    private final AuditRepository audit;
    private final TokenSigner tokens;
    private final Runnable mailQueued;
    private final Clock clock;
    private final WebhookEvents webhooks;

    public InviteBatches(DSLContext db, InviteBatchRepository batches, SignupRepository signups, OutboxRepository outbox,
                         WaitlistEmails emails, AuditRepository audit, TokenSigner tokens, Runnable mailQueued,
                         Clock clock, WebhookEvents webhooks) {
        this.webhooks = webhooks;
        this.db = db;
        this.batches = batches;
        this.signups = signups;
        this.outbox = outbox;
        this.emails = emails;
        this.audit = audit;
        this.tokens = tokens;
        this.mailQueued = mailQueued;
        this.clock = clock;
    }

    public Outcome inviteNext(Waitlist waitlist, int count, String idempotencyKey, Actor actor) {
        Optional<Long> newBatch = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Optional<Long> id = batches.insertIfNew(tx, waitlist.slug(), idempotencyKey, count, actor.tokenName());
            if (id.isEmpty()) {
                return Optional.empty();
            }
            List<SignupRecord> next = signups.lockNextToInvite(tx, waitlist.slug(), count);
            OffsetDateTime now = now();
            signups.markInvitedInBatch(tx, next.stream().map(SignupRecord::getId).toList(), id.get(), now);
            for (SignupRecord person : next) {
                outbox.enqueue(tx, emails.invite(waitlist, person), person.getId(), null);
                webhooks.inviteSent(tx, person, now);
            }
            batches.recordInvited(tx, id.get(), next.size());
            audit.record(tx, actor, "waitlist.invite_next", "waitlist:" + waitlist.slug() + " batch:" + id.get()
                    + " invited " + next.size() + " of " + count);
            return id;
        });
        if (newBatch.isPresent()) {
            mailQueued.run();
            InviteBatch batch = view(batches.byId(db, newBatch.get()));
            log.info("admin {} invited {} of the next {} on waitlist {} (batch {})", actor.tokenName(), batch.invited(),
                    count, waitlist.slug(), batch.id());
            return new Outcome(batch, false);
        }
        InviteBatchRecord first = batches.byIdempotencyKey(db, idempotencyKey).orElseThrow();
        if (!first.getWaitlist().equals(waitlist.slug()) || first.getRequested() != count) {
            throw new ApiException(422, "idempotency_key_reused", "This Idempotency-Key was used for a different"
                    + " request (another waitlist or count); send a new key for a new batch.");
        }
        log.info("admin {} repeated invite batch {}: nobody new invited", actor.tokenName(), first.getId());
        return new Outcome(view(first), true);
    }

    /**
     * Whom the invite token in an invite link belongs to: the product the link leads to asks this
     * (server to server, with a read token) before it lets the person in. The token does not
     * expire; erasing the person ends it.
     */
    public InvitedPerson invitee(String token) {
        long id;
        try {
            id = tokens.verify(Purpose.INVITE, token);
        } catch (TokenSigner.InvalidTokenException invalid) {
            throw new ApiException(400, "invalid_token", "This invite token is not valid. Check that it was copied whole.");
        }
        SignupRecord person = signups.byId(db, id)
                .filter(signup -> signup.getInvitedAt() != null)
                .orElseThrow(() -> new ApiException(410, "token_expired", "This invite is no longer valid."));
        return new InvitedPerson(person.getId(), person.getWaitlist(), person.getEmail(), person.getName(),
                person.getInvitedAt());
    }

    private InviteBatch view(InviteBatchRecord batch) {
        return InviteBatch.of(batch, signups.invitedInBatch(db, batch.getId()));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
