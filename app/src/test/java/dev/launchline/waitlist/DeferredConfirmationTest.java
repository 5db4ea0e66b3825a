package dev.launchline.waitlist;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.config.Secret;
import dev.launchline.db.Database;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import dev.launchline.devstack.DevMailServer;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.email.EmailAddress;
import dev.launchline.funnel.Waitlist;
import dev.launchline.mail.EmailTemplates;
import dev.launchline.mail.MailThrottle;
import dev.launchline.mail.OutboxRepository;
import dev.launchline.mail.OutboxSettings;
import dev.launchline.mail.OutboxWorker;
import dev.launchline.mail.OutgoingEmail;
import dev.launchline.mail.SmtpMailer;
import dev.launchline.mail.SmtpSettings;
import dev.launchline.metrics.MailMetrics;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import dev.launchline.token.TokenSigner;
import dev.launchline.token.TokenSigner.Purpose;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A confirmation queued as template data and rendered when the sender takes it: real
 * PostgreSQL, the real sender, a real SMTP server. What was fixed at queueing (the link's expiry)
 * and what is taken at sending (the templates, the signing key) are as docs/reliability.md says.
 */
class DeferredConfirmationTest {
    private static final Waitlist ROCKET = new Waitlist("launch", "Rocket", URI.create("https://rocket.test/"), true,
            Set.of(), 5, Optional.empty(), Optional.empty(), false, Set.of(), Optional.empty(), Optional.empty(),
            Optional.empty());
    private static final Duration TTL = Duration.ofHours(48);

    @TempDir
    Path templatesDir;
    private Database database;
    private DevMailServer smtp;
    private int smtpPort;
    private final List<String> deadLetters = new ArrayList<>();

    @BeforeEach
    void start() {
        database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2);
        database.migrate();
        smtpPort = TestStack.freePort();
        smtp = DevMailServer.start(smtpPort);
    }

    @AfterEach
    void stop() {
        smtp.close();
        database.close();
    }

    @Test
    void it_is_rendered_when_sent_with_the_templates_in_force_then_and_its_link_keeps_the_expiry_it_was_queued_with() throws Exception {
        Instant queuedAt = Instant.parse("2026-12-04T09:00:00Z");
        Files.writeString(templatesDir.resolve("confirm_signup.subject.mustache"), "Version one: confirm {{waitlist_name}}");
        long signupId = queue(emails(Clock.fixed(queuedAt, ZoneOffset.UTC), Set.of(ROCKET)), "ann@rocket-users.test", "Ann");
        OutboxEmailRecord stored = database.dsl().selectFrom(OUTBOX_EMAIL).fetchSingle();
        assertThat(stored.getTextBody()).as("queued without bodies").isNull();
        var data = new ObjectMapper().readTree(stored.getTemplateData().data());
        assertThat(data.get("waitlist").asText()).isEqualTo("launch");
        assertThat(data.get("name").asText()).isEqualTo("Ann");
        assertThat(data.get("expires_at").asLong()).isEqualTo(queuedAt.plus(TTL).getEpochSecond());

        // a day later, after a deploy changed the template (a new EmailTemplates, as a restart makes)
        Files.writeString(templatesDir.resolve("confirm_signup.subject.mustache"), "Version two: confirm {{waitlist_name}}");
        Clock sentAt = Clock.fixed(queuedAt.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        sendAll(emails(sentAt, Set.of(ROCKET)));

        CapturedMail mail = smtp.messages().get(0);
        assertThat(mail.to()).containsExactly("ann@rocket-users.test");
        assertThat(mail.subject()).isEqualTo("Version two: confirm Rocket");
        assertThat(mail.text()).contains("Ann");
        assertThat(mail.listUnsubscribe()).contains("/unsubscribe?token=");
        String token = mail.links().stream().filter(link -> link.contains("/confirm?token=")).findFirst().orElseThrow()
                .replaceAll(".*token=", "");
        // valid until 48 hours after queueing: the day spent in the queue counts against it
        assertThat(tokens(Clock.fixed(queuedAt.plus(TTL).minusSeconds(60), ZoneOffset.UTC)).verify(Purpose.CONFIRM, token))
                .isEqualTo(signupId);
        assertThatThrownBy(() -> tokens(Clock.fixed(queuedAt.plus(TTL).plusSeconds(60), ZoneOffset.UTC)).verify(Purpose.CONFIRM, token))
                .as("expired 48 hours after queueing, not after sending");
        assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.STATUS)).isEqualTo(OutboxRepository.SENT);
        assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.TEXT_BODY)).as("never stored rendered").isNull();
        // once sent, what it was rendered from (the person's name among it) is forgotten (V24)
        assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.TEMPLATE_DATA)).isNull();
    }

    @Test
    void a_confirmation_for_a_waitlist_no_longer_configured_is_dead_lettered_with_the_reason() {
        queue(emails(Clock.systemUTC(), Set.of(ROCKET)), "bob@rocket-users.test", null);
        sendAll(emails(Clock.systemUTC(), Set.of()));
        assertThat(smtp.messages()).isEmpty();
        assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.STATUS)).isEqualTo(OutboxRepository.DEAD);
        assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.LAST_ERROR)).isEqualTo(
                "could not be rendered: waitlist 'launch' is no longer configured");
        assertThat(deadLetters).containsExactly("could not be rendered: waitlist 'launch' is no longer configured");
        assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.TEMPLATE_DATA)).as("kept: a dead letter may be looked into").isNotNull();
    }

    @Test
    void a_row_with_neither_bodies_nor_template_data_is_refused_by_the_database() {
        assertThatThrownBy(() -> database.dsl().insertInto(OUTBOX_EMAIL)
                .set(OUTBOX_EMAIL.MESSAGE_ID, "<x@launchline.test>").set(OUTBOX_EMAIL.KIND, "test")
                .set(OUTBOX_EMAIL.SENDER, "hello@launchline.test").set(OUTBOX_EMAIL.RECIPIENT, "x@rocket-users.test")
                .execute()).hasMessageContaining("outbox_email_rendered_or_template");
    }

    private long queue(WaitlistEmails emails, String address, String name) {
        OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
        return database.dsl().transactionResult(configuration -> {
            var signup = new SignupRepository().insertTestIfNew(configuration.dsl(), "launch",
                    EmailAddress.parse(address, false).orElseThrow(), "code" + address.hashCode(),
                    OffsetDateTime.now(ZoneOffset.UTC)).orElseThrow();
            signup.setName(name);
            OutgoingEmail email = emails.deferredConfirmation(ROCKET, signup);
            outbox.enqueue(configuration.dsl(), email, signup.getId(), null);
            return signup.getId();
        });
    }

    private void sendAll(WaitlistEmails emails) {
        OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
        OutboxWorker worker = new OutboxWorker(outbox, new SmtpMailer(new SmtpSettings("127.0.0.1", smtpPort, Optional.empty(),
                Optional.empty(), SmtpSettings.Security.NONE, Duration.ofSeconds(5))), emails,
                new OutboxSettings(3, Duration.ofMillis(50), 10, Duration.ofMillis(100), Duration.ofSeconds(1), 1, 100),
                (email, reason) -> deadLetters.add(reason), MailThrottle.NONE,
                new MailMetrics(new SimpleMeterRegistry()), () -> 0);
        try (worker) {
            while (worker.deliverBatch() > 0) {
                // until nothing is due
            }
        }
    }

    private WaitlistEmails emails(Clock clock, Set<Waitlist> configured) {
        return new WaitlistEmails(new EmailTemplates(Optional.of(templatesDir)), tokens(clock),
                new Waitlists(List.copyOf(configured)), URI.create("https://api.rocket.test"), "hello@launchline.test", TTL, clock);
    }

    private static TokenSigner tokens(Clock clock) {
        return new TokenSigner(Secret.of(TestStack.SIGNING_KEY), Optional.empty(), clock);
    }
}
