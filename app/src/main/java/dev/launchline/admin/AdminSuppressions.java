package dev.launchline.admin;

import dev.launchline.http.ApiException;
import dev.launchline.suppression.AddressHash;
import dev.launchline.suppression.SuppressionList;
import dev.launchline.suppression.SuppressionRepository;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/** The admin API's view of the suppression list: look up, add, lift (both audited). */
public final class AdminSuppressions {
    private static final Logger log = LoggerFactory.getLogger(AdminSuppressions.class);

    private final DSLContext db;
    private final SuppressionRepository repository;
    private final SuppressionList suppressions;
    private final AuditRepository audit;

    public AdminSuppressions(DSLContext db, SuppressionRepository repository, SuppressionList suppressions,
                             AuditRepository audit) {
        this.db = db;
        this.repository = repository;
        this.suppressions = suppressions;
        this.audit = audit;
    }

    /** Newest first; {@code email} is looked up by its hash, the only form the list keeps. */
    public Page<SuppressionRepository.Entry> page(Optional<String> reason, Optional<String> email,
                                                  Optional<Long> before, int limit) {
        return Page.of(repository.page(db, reason, email.map(AddressHash::of), before, limit + 1), limit,
                entry -> entry, SuppressionRepository.Entry::id);
    }

    public SuppressionRepository.Entry get(long id) {
        return repository.byId(db, id).orElseThrow(() -> ApiException.notFound("This suppression"));
    }

    /** An operator's "do not email", e.g. for someone who asked by reply; the audit names the row, not the address. */
    public SuppressionRepository.Entry suppress(String email, Optional<String> note, Actor actor) {
        SuppressionRepository.Entry entry = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            SuppressionRepository.Entry stored = suppressions.suppressManually(tx, email, note.orElse(null));
            audit.record(tx, actor, "suppression.add", "suppression:" + stored.id() + " (" + stored.reason() + ")");
            return stored;
        });
        log.info("admin {} suppressed an address: suppression {}", actor.tokenName(), entry.id());
        return entry;
    }

    /** Lifts a suppression: mail to the address goes out again from the next email on. */
    public void lift(long id, Actor actor) {
        SuppressionRepository.Entry lifted = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            SuppressionRepository.Entry entry = repository.delete(tx, id)
                    .orElseThrow(() -> ApiException.notFound("This suppression"));
            audit.record(tx, actor, "suppression.lift", "suppression:" + id + " (" + entry.reason() + " from "
                    + entry.source() + ")");
            return entry;
        });
        log.info("admin {} lifted suppression {} ({})", actor.tokenName(), id, lifted.reason());
    }
}
