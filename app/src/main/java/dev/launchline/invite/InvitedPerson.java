package dev.launchline.invite;

import java.time.OffsetDateTime;

/** Whom an invite link was sent to: what the product the link leads to needs to let them in. */
public record InvitedPerson(long id, String waitlist, String email, String name, OffsetDateTime invitedAt) {
}
