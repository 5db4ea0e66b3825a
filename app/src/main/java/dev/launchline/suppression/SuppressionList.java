package dev.launchline.suppression;

import dev.launchline.mail.RecipientCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The suppression list: what providers and operators put on it ({@link #record}), and what the
 * mail senders ask before every email ({@link #blocks}).
 *
 * <p>The rule (docs/email-reputation.md): a suppressed address gets no mail, with one exception.
 * The confirmation of a signup (a kind in {@code deliberateKinds}) to an address whose last hard
 * bounce is older than {@code bounceRetryAfter} is sent: mailboxes come back, and the person has
 * just typed the address in on purpose. If it bounces again, the bounce restarts the period. A
 * complaint or an operator's suppression has no exception: a signup can be typed in by anyone, and
 * a confirmation to someone who marked us as spam is the mail that hurts the sender's reputation most.
 * A hard bounce ends when the person confirms with the link we mailed ({@link #mailboxProven}).
 */
public final class SuppressionList {
    private static final Logger log = LoggerFactory.getLogger(SuppressionList.class);
    public static final String RECORDED = "launchline.email.suppressions.recorded";

    private final DSLContext db;
    private final SuppressionRepository repository;
    private final Set<String> deliberateKinds;
    private final Duration bounceRetryAfter;
    private final Clock clock;
    private final MeterRegistry registry;

    public SuppressionList(DSLContext db, SuppressionRepository repository, Set<String> deliberateKinds,
                           Duration bounceRetryAfter, Clock clock, MeterRegistry registry) {
        this.db = db;
        this.repository = repository;
        this.deliberateKinds = Set.copyOf(deliberateKinds);
        this.bounceRetryAfter = bounceRetryAfter;
        this.clock = clock;
        this.registry = registry;
    }

    /** Stores what a provider reported, all of it or nothing; returns how many addresses it named. */
    public int record(List<SuppressionEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        db.transaction(configuration -> {
            for (SuppressionEvent event : events) {
                repository.suppress(configuration.dsl(), AddressHash.of(event.address()), event.reason(), event.source(),
                        SuppressionEvent.withoutAddresses(event.detail()), now);
            }
        });
        for (SuppressionEvent event : events) {
            Counter.builder(RECORDED)
                    .description("addresses put on the suppression list (or refreshed there), by reason and source")
                    .tag("reason", event.reason().id())
                    .tag("source", event.source().id())
                    .register(registry)
                    .increment();
            log.info("suppression recorded: {} from {}", event.reason().id(), event.source().id());
        }
        return events.size();
    }

    /** An operator's suppression, in the caller's transaction (which audits it); the entry as stored. */
    public SuppressionRepository.Entry suppressManually(DSLContext tx, String address, String note) {
        String hash = AddressHash.of(address);
        repository.suppress(tx, hash, SuppressionEvent.Reason.MANUAL, SuppressionEvent.Source.ADMIN,
                SuppressionEvent.withoutAddresses(note), OffsetDateTime.now(clock));
        return repository.find(tx, hash).orElseThrow();
    }

    /**
     * The person at this address just confirmed with the link we mailed them: the mailbox works, so a
     * hard bounce on it is cleared (one delete by the unique index, in the confirmation's
     * transaction; a confirmation click, never a signup). Complaints and operators' suppressions stay.
     */
    public void mailboxProven(DSLContext tx, String address) {
        if (repository.deleteHardBounce(tx, AddressHash.of(address))) {
            log.info("hard bounce cleared: the address's owner confirmed by the emailed link");
        }
    }

    /**
     * Why an email of this kind must not go to a recipient on the list, if it must not; empty
     * means send. The sender's claim reads the recipient's entry with the email
     * (OutboxRepository.CLAIM), so this asks the database nothing.
     */
    public Optional<String> blocks(String kind, RecipientCheck.Listed listed) {
        if (confirmationMayRetry(listed, kind)) {
            return Optional.empty();
        }
        return Optional.of("suppressed: " + listed.reason().replace('_', ' '));
    }

    private boolean confirmationMayRetry(RecipientCheck.Listed listed, String kind) {
        return deliberateKinds.contains(kind)
                && listed.reason().equals(SuppressionEvent.Reason.HARD_BOUNCE.id())
                && listed.since().isBefore(OffsetDateTime.now(clock).minus(bounceRetryAfter));
    }
}
