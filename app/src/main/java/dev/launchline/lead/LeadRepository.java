package dev.launchline.lead;

import dev.launchline.db.Jsonb;
import org.jooq.DSLContext;

import java.time.OffsetDateTime;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.LEAD;

/** The only code that writes the lead table (admin searches read it through {@link LeadSearchRepository}). */
public final class LeadRepository {

    /** Empty when the same lead (same dedupe key) is already stored: a double submit or a replay. */
    public Optional<Long> insertIfNew(DSLContext tx, String form, LeadRequest request, String dedupeKey,
                                      OffsetDateTime now) {
        var attribution = request.attribution();
        return tx.insertInto(LEAD)
                .set(LEAD.FORM, form)
                .set(LEAD.EMAIL, request.email().address())
                .set(LEAD.EMAIL_KEY, request.email().key())
                .set(LEAD.NAME, request.name().orElse(null))
                .set(LEAD.COMPANY, request.company().orElse(null))
                .set(LEAD.MESSAGE, request.message())
                .set(LEAD.CUSTOM_FIELDS, Jsonb.of(request.customFields()))
                .set(LEAD.UTM_SOURCE, attribution.utmSource().orElse(null))
                .set(LEAD.UTM_MEDIUM, attribution.utmMedium().orElse(null))
                .set(LEAD.UTM_CAMPAIGN, attribution.utmCampaign().orElse(null))
                .set(LEAD.UTM_TERM, attribution.utmTerm().orElse(null))
                .set(LEAD.UTM_CONTENT, attribution.utmContent().orElse(null))
                .set(LEAD.REFERRER, attribution.referrer().orElse(null))
                .set(LEAD.LANDING_PAGE, attribution.landingPage().orElse(null))
                .set(LEAD.DEDUPE_KEY, dedupeKey)
                .set(LEAD.CREATED_AT, now)
                .onConflict(LEAD.FORM, LEAD.DEDUPE_KEY)
                .doNothing()
                .returning(LEAD.ID)
                .fetchOptional(LEAD.ID);
    }

    /** When the newest lead arrived; by the identity key, one step down the primary key. */
    public Optional<OffsetDateTime> lastCreatedAt(DSLContext db) {
        return db.select(LEAD.CREATED_AT)
                .from(LEAD)
                .orderBy(LEAD.ID.desc())
                .limit(1)
                .fetchOptional(LEAD.CREATED_AT);
    }

    /** Erasure: the lead goes, its queued mail goes with it (on delete cascade). */
    public boolean delete(DSLContext tx, long id) {
        return tx.deleteFrom(LEAD)
                .where(LEAD.ID.eq(id))
                .execute() == 1;
    }
}
