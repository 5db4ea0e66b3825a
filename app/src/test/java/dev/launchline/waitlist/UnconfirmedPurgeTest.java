package dev.launchline.waitlist;

import dev.launchline.Main;
import dev.launchline.config.Secret;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import dev.launchline.token.TokenSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Unconfirmed signups past the retention period go, with their queued mail; nothing else does. */
class UnconfirmedPurgeTest {
    /** An instance field: every test gets a fresh service and database, so each counts only its own rows. */
    @RegisterExtension
    final LaunchlineExtension stack = LaunchlineExtension.withDefaults();

    private long signUp(String email) {
        assertThat(stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"" + email + "\"}").status())
                .isEqualTo(202);
        return stack.db().select(SIGNUP.ID).from(SIGNUP).where(SIGNUP.EMAIL.eq(email)).fetchSingle(SIGNUP.ID);
    }

    private void confirm(long id) {
        TokenSigner signer = new TokenSigner(Secret.of(TestStack.SIGNING_KEY), Optional.empty(), Clock.systemUTC());
        String token = signer.issue(TokenSigner.Purpose.CONFIRM, id, Optional.empty());
        assertThat(stack.http().postJson("/api/v1/confirmations", "{\"token\": \"" + token + "\"}").status())
                .isEqualTo(200);
    }

    private void backdate(long id, Duration created, Duration lastMailed) {
        OffsetDateTime now = OffsetDateTime.now();
        stack.db().update(SIGNUP)
                .set(SIGNUP.CREATED_AT, now.minus(created))
                .set(SIGNUP.LAST_MAILED_AT, now.minus(lastMailed))
                .where(SIGNUP.ID.eq(id))
                .execute();
    }

    private boolean exists(long id) {
        return stack.db().fetchExists(SIGNUP, SIGNUP.ID.eq(id));
    }

    private int mailFor(long id) {
        return stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.SIGNUP_ID.eq(id));
    }

    @Test
    void the_purge_deletes_only_old_unconfirmed_signups_and_their_mail_in_batches() {
        long abandoned = signUp("abandoned@rocket-users.test");
        backdate(abandoned, Duration.ofDays(31), Duration.ofDays(31));
        long fresh = signUp("fresh@rocket-users.test");
        long remindedLately = signUp("reminded@rocket-users.test");
        backdate(remindedLately, Duration.ofDays(40), Duration.ofDays(2)); // asked for a new link two days ago
        long oldButConfirmed = signUp("loyal@rocket-users.test");
        confirm(oldButConfirmed);
        backdate(oldButConfirmed, Duration.ofDays(90), Duration.ofDays(90));
        // more old unconfirmed rows than one batch holds
        stack.db().execute("""
                insert into signup (waitlist, email, email_key, referral_code, created_at, last_mailed_at)
                select 'launch', 'bulk' || g || '@rocket-users.test', 'bulk' || g || '@rocket-users.test',
                       'bulkcode' || g, now() - interval '45 days', now() - interval '45 days'
                  from generate_series(1, 1100) g
                """);
        assertThat(mailFor(abandoned)).isPositive();

        int deleted = new UnconfirmedSignupPurge(stack.db(), new SignupRepository(), Duration.ofDays(30),
                Clock.systemUTC()).purge();

        assertThat(deleted).isEqualTo(1101);
        assertThat(exists(abandoned)).isFalse();
        assertThat(mailFor(abandoned)).isZero();
        assertThat(exists(fresh)).isTrue();
        assertThat(exists(remindedLately)).isTrue();
        assertThat(exists(oldButConfirmed)).isTrue();
        assertThat(mailFor(fresh)).isPositive();
        assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(3);
    }

    @Test
    void the_purge_unconfirmed_command_deletes_old_unconfirmed_signups_and_says_how_many() throws Exception {
        long abandoned = signUp("cli-abandoned@rocket-users.test");
        backdate(abandoned, Duration.ofDays(8), Duration.ofDays(8));
        long fresh = signUp("cli-fresh@rocket-users.test");

        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "purge-unconfirmed")
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("APP_ENV", "test");
        builder.environment().put("DATABASE_URL", stack.env().get("DATABASE_URL"));
        builder.environment().put("DATABASE_USER", "postgres");
        builder.environment().put("UNCONFIRMED_RETENTION_DAYS", "7");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("deleted 1 signups unconfirmed for more than 7 days");
        assertThat(exists(abandoned)).isFalse();
        assertThat(exists(fresh)).isTrue();
    }
}
