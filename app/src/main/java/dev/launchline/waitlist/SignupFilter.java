package dev.launchline.waitlist;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;

/**
 * Which signups an admin list or export covers. Every part is optional; present parts must
 * all match. {@code createdFrom} is inclusive, {@code createdBefore} exclusive. Test signups
 * are excluded unless {@code testSignups} says otherwise.
 */
public record SignupFilter(Optional<String> waitlist, Optional<Status> status, Optional<String> email,
                           Optional<String> emailContains, Optional<OffsetDateTime> createdFrom,
                           Optional<OffsetDateTime> createdBefore, TestSignups testSignups) {

    /** Smoke-check signups (is_test): left out unless asked for, so no count or export holds them. */
    public enum TestSignups {
        EXCLUDE, INCLUDE, ONLY;

        public static Optional<TestSignups> parse(String text) {
            for (TestSignups choice : values()) {
                if (choice.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return Optional.of(choice);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One status per signup, the furthest it got: unsubscribed beats invited beats confirmed
     * beats pending (signed up, not confirmed yet).
     */
    public enum Status {
        PENDING, CONFIRMED, INVITED, UNSUBSCRIBED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Status> parse(String text) {
            for (Status status : values()) {
                if (status.id().equals(text)) {
                    return Optional.of(status);
                }
            }
            return Optional.empty();
        }

        public static Status of(OffsetDateTime confirmedAt, OffsetDateTime invitedAt, OffsetDateTime unsubscribedAt) {
            if (unsubscribedAt != null) {
                return UNSUBSCRIBED;
            }
            if (invitedAt != null) {
                return INVITED;
            }
            return confirmedAt != null ? CONFIRMED : PENDING;
        }
    }
}
