package dev.launchline.invite;

import dev.launchline.db.schema.tables.records.InviteBatchRecord;
import dev.launchline.db.schema.tables.records.SignupRecord;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One "let the next N in" as the admin API shows it: what was asked, how many were let in
 * (fewer when the line ran out), and who.
 */
public record InviteBatch(long id, String waitlist, int requested, int invited, String tokenName,
                          OffsetDateTime createdAt, List<Invitee> invitees) {

    /** A person the batch let in. */
    public record Invitee(long id, String email, String name, OffsetDateTime invitedAt) {
    }

    static InviteBatch of(InviteBatchRecord batch, List<SignupRecord> invitees) {
        return new InviteBatch(batch.getId(), batch.getWaitlist(), batch.getRequested(), batch.getInvited(),
                batch.getTokenName(), batch.getCreatedAt(), invitees.stream()
                        .map(signup -> new Invitee(signup.getId(), signup.getEmail(), signup.getName(),
                                signup.getInvitedAt()))
                        .toList());
    }
}
