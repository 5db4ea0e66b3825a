package dev.launchline.lead;

import java.time.OffsetDateTime;
import java.util.Optional;

/** Which leads an admin list or export covers; {@code createdFrom} inclusive, {@code createdBefore} exclusive. */
public record LeadFilter(Optional<String> form, Optional<String> email, Optional<String> emailContains,
                         Optional<OffsetDateTime> createdFrom, Optional<OffsetDateTime> createdBefore) {
}
