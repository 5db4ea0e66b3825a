package dev.launchline.waitlist;

import dev.launchline.db.schema.tables.records.SignupRecord;
import dev.launchline.email.EmailAddress;
import dev.launchline.funnel.Attribution;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** The record the fast insert path builds by hand must be the row PostgreSQL stored, column for column. */
class InsertIfNewTest {

    @Test
    void the_record_built_after_the_insert_equals_the_stored_row_and_a_duplicate_inserts_nothing() {
        try (TestStack stack = TestStack.start()) {
            SignupRepository signups = new SignupRepository();
            SignupRequest request = new SignupRequest(EmailAddress.parse("Full.Row@Example.test", false).orElseThrow(),
                    Optional.of("Ada Lovelace"), Optional.of("Engines"), Optional.of("CTO"), Map.of("team_size", "12"),
                    true, Optional.empty(), new Attribution(Optional.of("hn"), Optional.of("post"), Optional.of("launch"),
                    Optional.of("waitlist"), Optional.of("top"), Optional.of("https://news.example/"),
                    Optional.of("https://rocket.test/?x=1")), Optional.of("Ada L."));
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

            SignupRecord built = stack.db().transactionResult(configuration -> signups.insertIfNew(configuration.dsl(),
                    "launch", request, "code123abc", new SignupRepository.ReferredBy(null, "self_referral", "hash"),
                    new ConsentRecord(Optional.of("privacy-v2"), Optional.of("https://rocket.test"), Optional.of("addr-hash")), now)
                    .orElseThrow());
            Optional<SignupRecord> duplicate = stack.db().transactionResult(configuration -> signups.insertIfNew(
                    configuration.dsl(), "launch", request, "code456def",
                    new SignupRepository.ReferredBy(null, null, null), ConsentRecord.NONE, now));
            SignupRecord stored = stack.db().selectFrom(SIGNUP).where(SIGNUP.ID.eq(built.getId())).fetchSingle();

            assertThat(built.intoMap()).isEqualTo(stored.intoMap());
            assertThat(duplicate).isEmpty();
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(1);
        }
    }
}
