package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.AdminAuditRecord;
import org.jooq.DSLContext;

import java.util.Optional;

/** Reading the audit log (entries are written by the actions themselves, in their transactions). */
public final class AdminAuditLog {
    private final DSLContext db;
    private final AuditRepository audit;

    public AdminAuditLog(DSLContext db, AuditRepository audit) {
        this.db = db;
        this.audit = audit;
    }

    public Page<AuditEntry> page(Optional<Long> before, int limit) {
        return Page.of(audit.page(db, before, limit + 1), limit, AuditEntry::of, AdminAuditRecord::getId);
    }
}
