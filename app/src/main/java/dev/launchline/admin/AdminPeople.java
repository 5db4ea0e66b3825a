package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.LeadRecord;
import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.suppression.AddressHash;
import dev.launchline.suppression.SuppressionRepository;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything stored about one person, as JSON: a subject access request (GDPR art. 15) answered
 * with one call. Their signups (with what they consented to and how), the people they referred
 * (ids and states only: those are other people), their leads, the mail to or about them, the
 * webhook deliveries about them, and whether their address is on the suppression list. Audited,
 * by ids, never by address.
 */
public final class AdminPeople {
    private static final Logger log = LoggerFactory.getLogger(AdminPeople.class);

    /**
     * What they agreed to and how: the box they ticked, the wording's version, the site they sent
     * it from, a keyed hash of their address, when, and when they confirmed it by email.
     */
    public record Consent(boolean given, String version, String origin, String addressHash, OffsetDateTime at,
                          OffsetDateTime confirmedAt) {
        static Consent of(SignupRecord signup) {
            return new Consent(signup.getConsent(), signup.getConsentVersion(), signup.getConsentOrigin(),
                    signup.getClientAddressHash(), signup.getCreatedAt(), signup.getConfirmedAt());
        }
    }

    public record SignupExport(SignupView signup, Consent consent, List<PersonExportRepository.Referee> referralsMade) {
    }

    /** @param suppression the address's entry on the suppression list (kept by its hash), if any */
    public record PersonExport(String email, OffsetDateTime exportedAt, List<SignupExport> signups, List<LeadView> leads,
                               List<PersonExportRepository.Email> emails,
                               List<PersonExportRepository.WebhookDelivery> webhookDeliveries,
                               SuppressionRepository.Entry suppression) {
    }

    private final DSLContext db;
    private final PersonExportRepository repository = new PersonExportRepository();
    private final AuditRepository audit;
    private final SuppressionRepository suppressions;
    private final Clock clock;

    public AdminPeople(DSLContext db, AuditRepository audit, SuppressionRepository suppressions, Clock clock) {
        this.db = db;
        this.suppressions = suppressions;
        this.audit = audit;
        this.clock = clock;
    }

    /** One snapshot (a repeatable-read transaction), so the parts agree with each other. */
    public PersonExport export(String email, Actor actor) {
        PersonExport export = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            tx.execute("set transaction isolation level repeatable read, read only");
            List<SignupRecord> signups = repository.signups(tx, email);
            List<LeadRecord> leads = repository.leads(tx, email);
            List<Long> signupIds = signups.stream().map(SignupRecord::getId).toList();
            List<Long> leadIds = leads.stream().map(LeadRecord::getId).toList();
            var referees = repository.referees(tx, signupIds).stream()
                    .collect(Collectors.groupingBy(PersonExportRepository.Referee::referredBy));
            List<SignupExport> signupExports = signups.stream()
                    .map(signup -> new SignupExport(SignupView.of(signup), Consent.of(signup), referees.getOrDefault(signup.getId(), List.of())))
                    .toList();
            return new PersonExport(email, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), signupExports,
                    leads.stream().map(LeadView::of).toList(), repository.emails(tx, signupIds, leadIds),
                    repository.webhookDeliveries(tx, signupIds, leadIds),
                    suppressions.find(tx, AddressHash.of(email)).orElse(null));
        });
        db.transaction(configuration -> audit.record(configuration.dsl(), actor, "person.export",
                "signups:" + ids(export.signups().stream().map(s -> s.signup().id()).toList())
                        + " leads:" + ids(export.leads().stream().map(LeadView::id).toList())));
        log.info("admin {} exported what is stored about one person ({} signups, {} leads)", actor.tokenName(),
                export.signups().size(), export.leads().size());
        return export;
    }

    private static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
