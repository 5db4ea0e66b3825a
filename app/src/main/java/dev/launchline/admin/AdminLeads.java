package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.LeadRecord;
import dev.launchline.http.ApiException;
import dev.launchline.lead.LeadFilter;
import dev.launchline.lead.LeadRepository;
import dev.launchline.lead.LeadSearchRepository;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.util.Optional;

/** What admins do with leads: list, look at one, export, erase. */
public final class AdminLeads {
    private static final Logger log = LoggerFactory.getLogger(AdminLeads.class);

    private final DSLContext db;
    private final LeadSearchRepository search;
    private final LeadRepository leads;
    private final AuditRepository audit;

    public AdminLeads(DSLContext db, LeadSearchRepository search, LeadRepository leads, AuditRepository audit) {
        this.db = db;
        this.search = search;
        this.leads = leads;
        this.audit = audit;
    }

    public Page<LeadView> page(LeadFilter filter, Optional<Long> before, int limit) {
        return Page.of(search.page(db, filter, before, limit + 1), limit, LeadView::of, LeadRecord::getId);
    }

    public LeadView get(long id) {
        return search.byId(db, id).map(LeadView::of).orElseThrow(AdminLeads::notFound);
    }

    /** Erasure: the lead and any mail still queued for it. */
    public void erase(long id, Actor actor) {
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!leads.delete(tx, id)) {
                throw notFound();
            }
            audit.record(tx, actor, "lead.erase", "lead:" + id);
        });
        log.info("admin {} erased lead {}", actor.tokenName(), id);
    }

    /** CSV from a server-side cursor: bounded memory at any size. See {@link AdminSignups#export}. */
    public void export(LeadFilter filter, String filterDescription, Actor actor, OutputStream out) {
        db.transaction(configuration -> audit.record(configuration.dsl(), actor, "leads.export", filterDescription));
        db.transaction(configuration -> CsvExport.write(
                search.stream(configuration.dsl(), filter, AdminSignups.EXPORT_FETCH_SIZE),
                out, LeadView.CSV_HEADER, LeadView::csvRow));
    }

    private static ApiException notFound() {
        return ApiException.notFound("This lead");
    }
}
