package dev.launchline.admin;

import java.time.OffsetDateTime;
import java.util.Optional;

/** A stored admin token, as far as anyone may see it: never the secret, never its hash. */
public record AdminToken(long id, String name, AdminScope scope, OffsetDateTime createdAt,
                         Optional<OffsetDateTime> lastUsedAt, Optional<OffsetDateTime> revokedAt) {
}
