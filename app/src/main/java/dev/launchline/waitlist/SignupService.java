package dev.launchline.waitlist;

import dev.launchline.funnel.Waitlist;
import dev.launchline.bots.ReferralGuard;
import dev.launchline.db.GroupCommit;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.edge.ClientAddress;
import dev.launchline.http.ApiException;
import dev.launchline.leaderboard.Leaderboards;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.metrics.FunnelMetrics;
import dev.launchline.suppression.SuppressionList;
import dev.launchline.token.ThreadRandom;
import dev.launchline.token.TokenSigner;
import dev.launchline.token.TokenSigner.Purpose;
import dev.launchline.webhook.WebhookEvents;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The waitlist funnel: sign up, confirm, see your place, leave. Each change and the email it
 * causes commit in one transaction, so a signup never exists without its mail, nor mail
 * without its signup.
 */
public final class SignupService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignupService.class);
    private static final String CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"; // no 0/o, 1/l/i
    private static final int CODE_LENGTH = 10;

    /** @param statusUrl where the person can see their place in line from now on */
    public record Confirmation(Waitlist waitlist, boolean alreadyConfirmed, String statusUrl) {
    }

    /**
     * @param invitedAt       when the person was let in (null while they wait)
     * @param leaderboardRank the person's place on the waitlist's leaderboard; null when off or not on it
     */
    public record Status(String waitlist, String waitlistName, boolean confirmed, Integer position,
                         int confirmedTotal, int referrals, String referralLink, boolean unsubscribed,
                         OffsetDateTime invitedAt, Integer leaderboardRank) {

        /** The day of the invite as the status page shows it, e.g. "4 December 2026" (UTC). */
        public String invitedOn() {
            return invitedAt == null ? null : INVITED_ON.format(invitedAt.withOffsetSameInstant(ZoneOffset.UTC));
        }
    }

    private static final DateTimeFormatter INVITED_ON = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    private final DSLContext db;
    private final SignupRepository signups;
    private final OutboxRepository outbox;
    private final WaitlistEmails emails;
    private final TokenSigner tokens;
    private final Waitlists waitlists;
    private final Duration resendCooldown;
    private final Runnable mailQueued;
    private final Clock clock;
    private final ReferralGuard referralGuard;
    private final FunnelMetrics metrics;
    private final SignupIds ids;
    private final NewSignupStatement newSignups;
    private final ConsentRecord.Hasher consentHasher;
    private final WebhookEvents webhooks;
    private final Leaderboards leaderboards;
    private final SuppressionList suppressions;
    private final RepeatSignupPadding repeatPadding = new RepeatSignupPadding();
    /**
     * Where a repeat signup's reminder is written, after its answer: a bounded queue, and past it
     * the request thread does it itself (then a flood of repeats is slower, never unbounded).
     */
    private final ThreadPoolExecutor reminders = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), Thread.ofPlatform().name("repeat-signup-", 0).daemon(false).factory(),
            new ThreadPoolExecutor.CallerRunsPolicy());

    /** What one signUp transaction did, for the mail worker and the metrics once it committed. */
    private record Outcome(boolean mailQueued, boolean added, boolean confirmed, String referralNotCredited) {
        static Outcome repeat(boolean mailQueued) {
            return new Outcome(mailQueued, false, false, null);
        }
    }

    public SignupService(DSLContext db, SignupRepository signups, OutboxRepository outbox, WaitlistEmails emails,
                         TokenSigner tokens, Waitlists waitlists, Duration resendCooldown, Runnable mailQueued,
                         Clock clock, ReferralGuard referralGuard, FunnelMetrics metrics, NewSignupStatement newSignups,
                         WebhookEvents webhooks, ConsentRecord.Hasher consentHasher, Leaderboards leaderboards,
                         SuppressionList suppressions) {
        this.consentHasher = consentHasher;
        this.suppressions = suppressions;
        this.db = db;
        this.signups = signups;
        this.outbox = outbox;
        this.emails = emails;
        this.tokens = tokens;
        this.waitlists = waitlists;
        this.resendCooldown = resendCooldown;
        this.mailQueued = mailQueued;
        this.clock = clock;
        this.referralGuard = referralGuard;
        this.metrics = metrics;
        this.ids = new SignupIds(db);
        this.newSignups = newSignups;
        this.webhooks = webhooks;
        this.leaderboards = leaderboards;
    }

    /**
     * Adds the person, or - when they are already on the list - re-sends what they need
     * (confirmation or status link) unless a mail went out within the cooldown. The caller
     * learns nothing about which case it was: that is the no-enumeration promise.
     */
    public void signUp(Waitlist waitlist, SignupRequest request, ClientAddress client, Optional<String> origin) {
        long started = System.nanoTime();
        Optional<String> networkHash = referralGuard.networkHash(client);
        ConsentRecord consent = new ConsentRecord(waitlist.consentVersion(), origin, consentHasher.addressHash(client));
        OffsetDateTime now = now();
        Optional<ReferralGuard.Referrer> referrer = request.referralCode()
                .flatMap(code -> signups.referrerByCode(db, waitlist.slug(), code));
        // decided now, while the referee's network is known; applied (or not) when they confirm
        String notCredited = referrer
                .flatMap(r -> referralGuard.whyNotCredited(r, request.email().key(), networkHash, now))
                .orElse(null);
        SignupRepository.ReferredBy referredBy = new SignupRepository.ReferredBy(
                referrer.map(ReferralGuard.Referrer::id).orElse(null), notCredited, networkHash.orElse(null));
        Optional<Outcome> joined = joinInOneStatement(waitlist, request, referredBy, consent, now);
        if (joined.isEmpty() && signups.isOnTheList(db, waitlist.slug(), request.email().key())) {
            // Already on the list: nothing here is a lead, at most a reminder. It is written after
            // the answer, so that a repeat costs the answer no more than a new signup does (see
            // RepeatSignupPadding); if the process dies first, the reminder is not sent and the
            // person can sign up again.
            reminders.execute(() -> remindInBackground(waitlist, request, referredBy, consent, now));
            repeatPadding.padRepeat(waitlist.slug(), started);
            return;
        }
        Outcome outcome = joined.orElseGet(() -> signUpInTransaction(waitlist, request, referredBy, consent, now));
        record(outcome, waitlist, started);
    }

    private void remindInBackground(Waitlist waitlist, SignupRequest request, SignupRepository.ReferredBy referredBy,
                                    ConsentRecord consent, OffsetDateTime now) {
        try {
            record(signUpInTransaction(waitlist, request, referredBy, consent, now), waitlist, System.nanoTime());
        } catch (RuntimeException failed) {
            // the person was told "check your inbox"; without the reminder they sign up again
            log.warn("repeat signup on waitlist {}: reminder not written ({})", waitlist.slug(),
                    failed.getClass().getSimpleName());
        }
    }

    private void record(Outcome outcome, Waitlist waitlist, long started) {
        if (outcome.mailQueued()) {
            mailQueued.run();
        }
        if (outcome.added()) {
            repeatPadding.newSignupAnswered(waitlist.slug(), started);
            metrics.signupAccepted(waitlist.slug());
        }
        if (outcome.confirmed()) {
            metrics.signupConfirmed(waitlist.slug());
        }
        if (outcome.referralNotCredited() != null) {
            metrics.referralUncredited(outcome.referralNotCredited());
        }
    }

    /**
     * The common case of a launch: a new address on a waitlist with double opt-in. The signup
     * and its confirmation email are written by one statement. Empty when that does not apply
     * or the address is already on the list; nothing was written then.
     */
    private Optional<Outcome> joinInOneStatement(Waitlist waitlist, SignupRequest request,
                                                 SignupRepository.ReferredBy referredBy, ConsentRecord consent,
                                                 OffsetDateTime now) {
        if (!waitlist.confirmationRequired()) {
            return Optional.empty();
        }
        SignupRecord signup = signups.newSignup(db, waitlist.slug(), request, referralCode(), referredBy, consent, now);
        signup.setId(ids.next());
        if (!newSignups.insert(signup, emails.deferredConfirmation(waitlist, signup), outbox.newMessageId(), outbox.now())) {
            return Optional.empty();
        }
        log.info("signup {} joined waitlist {}", signup.getId(), waitlist.slug());
        return Optional.of(new Outcome(true, true, false, referredBy.notCredited()));
    }

    /** Everything else: a waitlist without opt-in, a repeat signup, a referral code that collided. */
    private Outcome signUpInTransaction(Waitlist waitlist, SignupRequest request,
                                        SignupRepository.ReferredBy referredBy, ConsentRecord consent, OffsetDateTime now) {
        return db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            for (int attempt = 0; attempt < 3; attempt++) {
                Optional<SignupRecord> inserted = signups.insertIfNew(tx, waitlist.slug(), request, referralCode(),
                        referredBy, consent, now);
                if (inserted.isPresent()) {
                    welcomeNewSignup(tx, waitlist, inserted.get(), now);
                    log.info("signup {} joined waitlist {}", inserted.get().getId(), waitlist.slug());
                    return new Outcome(true, true, !waitlist.confirmationRequired(), referredBy.notCredited());
                }
                Optional<SignupRecord> existing = signups.lockByEmail(tx, waitlist.slug(), request.email().key());
                if (existing.isPresent()) {
                    // nothing here is a lead: at most a reminder, which a database crash may lose
                    // (the person signs up again); no need to wait for the disk
                    tx.execute("set local synchronous_commit = off");
                    return Outcome.repeat(remindExistingSignup(tx, waitlist, existing.get(), now));
                }
                // neither inserted nor there: the random referral code collided; draw another
            }
            throw new IllegalStateException("could not allocate a referral code");
        });
    }

    private void welcomeNewSignup(DSLContext tx, Waitlist waitlist, SignupRecord signup, OffsetDateTime now) {
        webhooks.signupCreated(tx, signup);
        if (waitlist.confirmationRequired()) {
            outbox.enqueue(tx, emails.deferredConfirmation(waitlist, signup), signup.getId(), null);
        } else {
            confirmAndAnnounce(tx, waitlist, signup, now);
        }
    }

    private boolean remindExistingSignup(DSLContext tx, Waitlist waitlist, SignupRecord signup, OffsetDateTime now) {
        boolean withinCooldown = signup.getLastMailedAt() != null
                && signup.getLastMailedAt().isAfter(now.minus(resendCooldown));
        if (signup.getIsTest()) {
            // a smoke check's row gets the one confirmation it checks, and nothing more
            log.info("repeat signup {} on waitlist {}: no mail (smoke-check signup)", signup.getId(), waitlist.slug());
            return false;
        }
        if (signup.getUnsubscribedAt() != null || withinCooldown) {
            log.info("repeat signup {} on waitlist {}: no mail (unsubscribed or within cooldown)",
                    signup.getId(), waitlist.slug());
            return false;
        }
        if (signup.getConfirmedAt() == null) {
            outbox.enqueue(tx, emails.deferredConfirmation(waitlist, signup), signup.getId(), null);
        } else {
            announcePosition(tx, waitlist, signup);
        }
        signups.markMailed(tx, signup.getId(), now);
        log.info("repeat signup {} on waitlist {}: reminder queued", signup.getId(), waitlist.slug());
        return true;
    }

    /**
     * Confirms a double opt-in. Idempotent: the second use of a link changes nothing, sends
     * nothing, and says "already confirmed".
     */
    public Confirmation confirm(String token) {
        long id = verify(Purpose.CONFIRM, token);
        Confirmation confirmation = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            SignupRecord signup = signups.lockById(tx, id).orElseThrow(SignupService::linkNoLongerValid);
            if (signup.getIsTest()) {
                // a smoke check's row never joins the line (V10 forbids it) and gets no further mail
                throw linkNoLongerValid();
            }
            Waitlist waitlist = waitlists.require(signup.getWaitlist());
            if (signup.getConfirmedAt() != null) {
                return new Confirmation(waitlist, true, emails.statusLink(id));
            }
            // the click proves the mailbox takes our mail again: an old hard bounce no longer holds its mail back
            suppressions.mailboxProven(tx, signup.getEmail());
            confirmAndAnnounce(tx, waitlist, signup, now());
            log.info("signup {} confirmed on waitlist {}", id, waitlist.slug());
            return new Confirmation(waitlist, false, emails.statusLink(id));
        });
        if (!confirmation.alreadyConfirmed()) {
            mailQueued.run();
            metrics.signupConfirmed(confirmation.waitlist().slug());
        }
        return confirmation;
    }

    private void confirmAndAnnounce(DSLContext tx, Waitlist waitlist, SignupRecord signup, OffsetDateTime now) {
        SignupRecord confirmed = signups.confirm(tx, signup.getId(), waitlist.referralBoost(), now);
        webhooks.signupConfirmed(tx, confirmed);
        if (confirmed.getReferredBy() != null && confirmed.getReferralNotCredited() == null) {
            // referral graph edges always point to an earlier signup, so this lock order cannot cycle
            signups.creditReferral(tx, confirmed.getReferredBy(), waitlist.referralBoost());
            webhooks.referralCredited(tx, confirmed, confirmed.getReferredBy());
        }
        announcePosition(tx, waitlist, confirmed);
    }

    private void announcePosition(DSLContext tx, Waitlist waitlist, SignupRecord signup) {
        if (signup.getUnsubscribedAt() != null) {
            return;
        }
        int position = signups.position(tx, waitlist.slug(), signup.getPositionKey(), signup.getConfirmationOrder());
        int total = signups.confirmedCount(tx, waitlist.slug());
        outbox.enqueue(tx, emails.onTheList(waitlist, signup, position, total), signup.getId(), null);
    }

    public Status status(String token) {
        long id = verify(Purpose.STATUS, token);
        SignupRecord signup = signups.byId(db, id).orElseThrow(SignupService::linkNoLongerValid);
        Waitlist waitlist = waitlists.require(signup.getWaitlist());
        boolean confirmed = signup.getPositionKey() != null;
        Integer position = confirmed
                ? signups.position(db, waitlist.slug(), signup.getPositionKey(), signup.getConfirmationOrder())
                : null;
        return new Status(waitlist.slug(), waitlist.name(), confirmed, position,
                signups.confirmedCount(db, waitlist.slug()), signup.getConfirmedReferrals(),
                waitlist.referralLink(signup.getReferralCode()), signup.getUnsubscribedAt() != null,
                signup.getInvitedAt(),
                leaderboards.current(waitlist.slug()).flatMap(standings -> standings.rankOf(id)).orElse(null));
    }

    /** Stops all optional mail to this person; idempotent. */
    public void unsubscribe(String token) {
        long id = verify(Purpose.UNSUBSCRIBE, token);
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            SignupRecord signup = signups.lockById(tx, id).orElseThrow(SignupService::linkNoLongerValid);
            if (signup.getUnsubscribedAt() == null) {
                OffsetDateTime now = now();
                signups.unsubscribe(tx, id, now);
                webhooks.unsubscribed(tx, signup, now);
            }
        });
        log.info("signup {} unsubscribed", id);
    }

    /** Erase-me: deletes the person and any mail still queued for them. */
    public void erase(String token) {
        long id = verify(Purpose.UNSUBSCRIBE, token);
        boolean deleted = db.transactionResult(configuration -> erase(configuration.dsl(), signups, webhooks, id));
        if (!deleted) {
            throw linkNoLongerValid();
        }
        log.info("signup {} erased on request", id);
    }

    /**
     * Deletes the signup (its queued mail and webhook deliveries go with it, on delete cascade)
     * and queues person.erased; false when there is no such signup. Shared with the admin API's erasure.
     */
    public static boolean erase(DSLContext tx, SignupRepository signups, WebhookEvents webhooks, long id) {
        Optional<SignupRecord> signup = signups.lockById(tx, id);
        if (signup.isEmpty() || !signups.delete(tx, id)) {
            return false;
        }
        if (!signup.get().getIsTest()) {
            webhooks.erased(tx, signup.get().getWaitlist(), id);
        }
        return true;
    }

    private long verify(Purpose purpose, String token) {
        try {
            return tokens.verify(purpose, token);
        } catch (TokenSigner.InvalidTokenException invalid) {
            throw invalid.expired()
                    ? new ApiException(410, "token_expired", "This link has expired. Sign up again to get a fresh one.")
                    : new ApiException(400, "invalid_token", "This link is not valid. Check that it was copied whole.");
        }
    }

    private static ApiException linkNoLongerValid() {
        return new ApiException(410, "token_expired", "This link is no longer valid.");
    }

    private String referralCode() {
        return ThreadRandom.text(CODE_ALPHABET, CODE_LENGTH);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Writes the reminders still queued (the HTTP server has stopped taking requests by now). */
    @Override
    public void close() throws InterruptedException {
        reminders.shutdown();
        if (!reminders.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("{} repeat-signup reminders not written at shutdown", reminders.getQueue().size());
            reminders.shutdownNow();
        }
    }
}
