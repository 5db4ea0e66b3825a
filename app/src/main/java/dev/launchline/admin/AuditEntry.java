package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.AdminAuditRecord;

import java.time.OffsetDateTime;

/** One audit log entry as the admin API shows it. */
public record AuditEntry(long id, String tokenName, String action, String target, String clientIp,
                         String requestId, OffsetDateTime createdAt) {

    static AuditEntry of(AdminAuditRecord row) {
        return new AuditEntry(row.getId(), row.getTokenName(), row.getAction(), row.getTarget(), row.getClientIp(),
                row.getRequestId(), row.getCreatedAt());
    }
}
