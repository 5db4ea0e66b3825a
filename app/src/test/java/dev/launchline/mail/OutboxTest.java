package dev.launchline.mail;

import dev.launchline.Config;
import dev.launchline.db.Database;
import dev.launchline.metrics.MailMetrics;
import dev.launchline.devstack.DevMailServer;
import dev.launchline.support.Eventually;
import dev.launchline.support.RejectingSmtpServer;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {

    @Test
    void signups_succeed_while_smtp_is_down_and_the_mail_goes_out_when_it_returns() {
        try (TestStack stack = TestStack.start()) {
            stack.stopSmtp();
            for (int i = 0; i < 5; i++) {
                var response = stack.http().postJson("/api/v1/waitlists/launch/signups",
                        "{\"email\": \"outage" + i + "@rocket-users.test\"}");
                assertThat(response.status()).isEqualTo(202);
            }
            assertThat(stack.db().fetchCount(SIGNUP)).isEqualTo(5);
            // the worker tries, fails to connect, and keeps the mail queued without spending attempts
            Eventually.get(() -> Optional.of(true).filter(all -> stack.db().fetchCount(OUTBOX_EMAIL,
                    OUTBOX_EMAIL.STATUS.eq("pending").and(OUTBOX_EMAIL.LAST_ERROR.isNotNull())) == 5),
                    Duration.ofSeconds(10));
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.ATTEMPTS.gt(0))).isZero();

            stack.startSmtp();
            for (int i = 0; i < 5; i++) {
                stack.awaitMailTo("outage" + i + "@rocket-users.test", "Confirm");
            }
            // the SMTP server has each mail a moment before the worker records it as sent
            Eventually.get(() -> Optional.of(true).filter(all -> stack.db().fetchCount(OUTBOX_EMAIL,
                    OUTBOX_EMAIL.STATUS.eq("sent")) == 5), Duration.ofSeconds(10));
        }
    }

    @Test
    void the_message_id_is_the_one_stored_with_the_outbox_row() {
        try (TestStack stack = TestStack.start()) {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"mid@rocket-users.test\"}");
            var mail = stack.awaitMailTo("mid@rocket-users.test", "Confirm");
            String stored = stack.db().fetchValue(OUTBOX_EMAIL.MESSAGE_ID, OUTBOX_EMAIL.RECIPIENT.eq("mid@rocket-users.test"));
            assertThat(mail.messageId()).isEqualTo(stored).endsWith("@launchline.test>");
            assertThat(mail.from()).isEqualTo("Launchline Test <hello@launchline.test>");
            assertThat(mail.date()).isNotBlank();
            assertThat(mail.html()).contains("<a href=");
        }
    }

    @Test
    void two_workers_on_one_database_never_send_an_email_twice() throws Exception {
        String databaseUrl = TestDatabases.fresh(); // before choosing a port: it may start PostgreSQL on one
        int smtpPort = TestStack.freePort();
        try (Database database = new Database(databaseUrl, Optional.of("postgres"), Optional.empty(), 6);
             DevMailServer smtp = DevMailServer.start(smtpPort)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            for (int i = 0; i < 300; i++) {
                OutgoingEmail email = new OutgoingEmail("test", "hello@launchline.test", "n" + i + "@rocket-users.test",
                        Optional.empty(), "Mail " + i, "text", "<p>html</p>", Optional.empty());
                outbox.enqueue(database.dsl(), email, null, null);
            }
            SmtpSettings settings = new SmtpSettings("127.0.0.1", smtpPort, Optional.empty(), Optional.empty(),
                    SmtpSettings.Security.NONE, Duration.ofSeconds(5));
            OutboxSettings small = oneSender(5, Duration.ofMillis(10), 7, Duration.ofMillis(100), Duration.ofSeconds(1));
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int sender = 0; sender < 2; sender++) {
                OutboxWorker worker = worker(outbox, new SmtpMailer(settings), small, (e, r) -> { });
                workers.add(CompletableFuture.runAsync(() -> {
                    while (worker.deliverBatch() > 0) {
                        // drain until nothing is left to claim
                    }
                }));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();

            List<String> ids = smtp.messages().stream().map(DevMailServer.CapturedMail::messageId).toList();
            Set<String> distinct = ids.stream().collect(Collectors.toSet());
            assertThat(ids).hasSize(300);
            assertThat(distinct).hasSize(300);
            assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent"))).isEqualTo(300);
            assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.in("pending", "sending"))).isZero();
        }
    }

    @Test
    void a_sender_that_stops_mid_batch_leaves_what_it_held_and_did_not_send_due_at_once() throws Exception {
        try (OutboxRig rig = OutboxRig.start()) {
            for (int i = 0; i < 5; i++) {
                enqueueTo(rig.outbox, rig.database, "stop" + i + "@rocket-users.test");
            }
            CountDownLatch secondInHand = new CountDownLatch(1);
            CountDownLatch goOn = new CountDownLatch(1);
            AtomicInteger asked = new AtomicInteger();
            MailThrottle pauseAtTheSecond = kind -> {
                if (asked.incrementAndGet() == 2) {
                    secondInHand.countDown();
                    await(goOn);
                }
                return Duration.ZERO;
            };
            OutboxWorker worker = new OutboxWorker(rig.outbox, new SmtpMailer(smtp(rig.smtpPort)), DeferredRendering.NONE,
                    oneSender(5, Duration.ofSeconds(30), 5, Duration.ofMillis(100), Duration.ofSeconds(1)),
                    (e, r) -> { }, pauseAtTheSecond, new MailMetrics(new SimpleMeterRegistry()), () -> 0).start();
            worker.nudge();
            assertThat(secondInHand.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closed = CompletableFuture.runAsync(worker::close); // as at a deploy's drain
            Thread.sleep(200);
            goOn.countDown();
            closed.get(10, TimeUnit.SECONDS);

            assertThat(rig.smtp.messages()).hasSize(2); // the first, and the one in hand when it was told to stop
            // the other three are due for any sender now
            assertThat(rig.outbox.<List<ClaimedEmail>>holdDue(10, QueueHead.START, held -> held))
                    .extracting(email -> email.email().getRecipient())
                    .containsExactly("stop2@rocket-users.test", "stop3@rocket-users.test", "stop4@rocket-users.test");
        }
    }

    @Test
    void a_slow_batch_keeps_its_emails_from_other_senders_however_long_it_takes() throws Exception {
        try (OutboxRig rig = OutboxRig.start()) {
            for (int i = 0; i < 7; i++) {
                enqueueTo(rig.outbox, rig.database, "slow" + i + "@rocket-users.test");
            }
            MailThrottle slowly = kind -> {
                pause(Duration.ofMillis(300));
                return Duration.ZERO;
            };
            OutboxWorker worker = new OutboxWorker(rig.outbox, new SmtpMailer(smtp(rig.smtpPort)), DeferredRendering.NONE,
                    oneSender(5, Duration.ofSeconds(30), 7, Duration.ofMillis(100), Duration.ofSeconds(1)),
                    (e, r) -> { }, slowly, new MailMetrics(new SimpleMeterRegistry()), () -> 0);
            CompletableFuture<Integer> batch = CompletableFuture.supplyAsync(worker::deliverBatch);
            Eventually.get(() -> Optional.of(true).filter(started -> !rig.smtp.messages().isEmpty()), Duration.ofSeconds(10));
            // meanwhile another sender of this release, and the previous release's claim, find nothing
            List<String> takenByAnother = new ArrayList<>();
            while (!batch.isDone()) {
                takenByAnother.addAll(rig.outbox.holdDue(10, QueueHead.START,
                        held -> held.stream().map(email -> email.email().getRecipient()).toList()));
                takenByAnother.addAll(rig.database.dsl().fetch(PREVIOUS_RELEASE_CLAIM).getValues(0, String.class));
                Thread.sleep(50);
            }
            assertThat(batch.get()).isEqualTo(7);
            assertThat(takenByAnother).isEmpty();
            assertThat(rig.smtp.messages()).hasSize(7);
            assertThat(rig.database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent"))).isEqualTo(7);
            worker.close();
        }
    }

    /** The claim of the release before this one (one email per transaction, row-locked while sent), verbatim. */
    static final String PREVIOUS_RELEASE_CLAIM = """
            select o.recipient from outbox_email o
            where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < now()))
              and o.next_attempt_at >= '-infinity' and o.next_attempt_at <= now()
            order by o.next_attempt_at limit 1 for update of o skip locked""";

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void a_permanently_refused_address_is_dead_lettered_and_reported_while_a_temporary_refusal_is_retried() throws Exception {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 2);
             RejectingSmtpServer permanent = new RejectingSmtpServer("550 5.1.1 no such user");
             RejectingSmtpServer temporary = new RejectingSmtpServer("451 4.3.0 try again later")) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            OutboxSettings settings = oneSender(3, Duration.ofMillis(10), 10, Duration.ofMillis(1), Duration.ofMillis(5));
            List<String> reported = new ArrayList<>();

            outbox.enqueue(database.dsl(), new OutgoingEmail("test", "hello@launchline.test", "gone@rocket-users.test",
                    Optional.empty(), "Hi", "text", "<p>html</p>", Optional.empty()), null, null);
            worker(outbox, new SmtpMailer(smtp(permanent.port())), settings, (email, reason) -> reported.add(reason))
                    .deliverBatch();
            assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.STATUS, OUTBOX_EMAIL.RECIPIENT.eq("gone@rocket-users.test")))
                    .isEqualTo("dead");
            assertThat(reported).singleElement().asString().contains("permanent", "550");

            outbox.enqueue(database.dsl(), new OutgoingEmail("test", "hello@launchline.test", "busy@rocket-users.test",
                    Optional.empty(), "Hi", "text", "<p>html</p>", Optional.empty()), null, null);
            OutboxWorker retrying = worker(outbox, new SmtpMailer(smtp(temporary.port())), settings,
                    (email, reason) -> reported.add(reason));
            retrying.deliverBatch();
            assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.STATUS, OUTBOX_EMAIL.RECIPIENT.eq("busy@rocket-users.test")))
                    .isEqualTo("pending");
            for (int i = 0; i < 20 && reported.size() < 2; i++) {
                Thread.sleep(10); // past the (millisecond) backoff
                retrying.deliverBatch();
            }
            assertThat(temporary.recipientsRefused()).isEqualTo(3); // OUTBOX_MAX_ATTEMPTS
            assertThat(database.dsl().fetchValue(OUTBOX_EMAIL.STATUS, OUTBOX_EMAIL.RECIPIENT.eq("busy@rocket-users.test")))
                    .isEqualTo("dead");
        }
    }

    @Test
    void the_worker_keeps_its_smtp_connection_between_batches_and_reconnects_at_once_when_the_server_dropped_it() {
        String databaseUrl = TestDatabases.fresh(); // before choosing a port: it may start PostgreSQL on one
        int smtpPort = TestStack.freePort();
        try (Database database = new Database(databaseUrl, Optional.of("postgres"), Optional.empty(), 2)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            OutboxSettings settings = oneSender(3, Duration.ofMillis(10), 10, Duration.ofMillis(1), Duration.ofMillis(5));
            OutboxWorker worker = worker(outbox, new SmtpMailer(smtp(smtpPort)), settings, (e, r) -> { });
            try (DevMailServer first = DevMailServer.start(smtpPort)) {
                enqueueTo(outbox, database, "before@rocket-users.test");
                assertThat(worker.deliverBatch()).isEqualTo(1);
                assertThat(first.messages()).hasSize(1);
            }
            // the server went away and came back: the connection the worker kept is dead
            try (DevMailServer second = DevMailServer.start(smtpPort)) {
                enqueueTo(outbox, database, "after@rocket-users.test");
                assertThat(worker.deliverBatch()).isEqualTo(1);
                // sent in this batch over a new connection, not handed back as an SMTP outage
                assertThat(second.messages()).extracting(DevMailServer.CapturedMail::to)
                        .containsExactly(List.of("after@rocket-users.test"));
                assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent"))).isEqualTo(2);
                assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.LAST_ERROR.isNotNull())).isZero();
            } finally {
                worker.close();
            }
        }
    }

    @Test
    void an_email_that_sorts_before_the_queues_head_is_sent_within_a_second() throws Exception {
        // The claim walks from near the head it last found (QueueHead); an email committed late with
        // an earlier due time (a long transaction), or one a dead sender held, sorts before that.
        try (OutboxRig rig = OutboxRig.start()) {
            Database database = rig.database;
            DevMailServer smtp = rig.smtp;
            OutboxRepository outbox = rig.outbox;
            OutboxSettings batchesOfOne = oneSender(3, Duration.ofMillis(10), 1, Duration.ofMillis(1), Duration.ofMillis(5));
            try (OutboxWorker worker = worker(outbox, new SmtpMailer(smtp(rig.smtpPort)), batchesOfOne, (e, r) -> { })) {
                enqueueTo(outbox, database, "first@rocket-users.test");
                enqueueTo(outbox, database, "second@rocket-users.test");
                assertThat(worker.deliverBatch()).isEqualTo(1); // the head is now where "first" was due

                enqueueTo(outbox, database, "late@rocket-users.test");
                database.dsl().update(OUTBOX_EMAIL)
                        .set(OUTBOX_EMAIL.NEXT_ATTEMPT_AT, OffsetDateTime.now().minusHours(1))
                        .where(OUTBOX_EMAIL.RECIPIENT.eq("late@rocket-users.test"))
                        .execute();
                enqueueTo(outbox, database, "next@rocket-users.test");

                assertThat(worker.deliverBatch()).isEqualTo(1); // "second"
                assertThat(worker.deliverBatch()).isEqualTo(1); // "next", near the head
                assertThat(worker.deliverBatch()).as("nothing more near the head").isZero();
                Thread.sleep(QueueHead.FROM_THE_START_EVERY.toMillis()); // then a walk from the start is due
                assertThat(worker.deliverBatch()).isEqualTo(1);
                assertThat(worker.deliverBatch()).isZero();
                assertThat(smtp.messages()).extracting(DevMailServer.CapturedMail::to).containsExactly(
                        List.of("first@rocket-users.test"), List.of("second@rocket-users.test"),
                        List.of("next@rocket-users.test"), List.of("late@rocket-users.test"));
                assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.STATUS.eq("sent"))).isEqualTo(4);
            }
        }
    }

    @Test
    void during_an_smtp_outage_the_worker_hands_back_the_email_in_hand_and_waits_whatever_new_mail_arrives() {
        String databaseUrl = TestDatabases.fresh(); // before choosing a port: it may start PostgreSQL on one
        int closedPort = TestStack.freePort(); // nothing listens: every connect is refused at once
        try (Database database = new Database(databaseUrl, Optional.of("postgres"), Optional.empty(), 2)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            for (int i = 0; i < 6; i++) {
                enqueueTo(outbox, database, "queued" + i + "@rocket-users.test");
            }
            // batches of 2; the first outage backoff is the poll interval, 30 s, far past this test
            OutboxSettings settings = oneSender(10, Duration.ofSeconds(30), 2, Duration.ofMinutes(1), Duration.ofMinutes(5));
            OutboxWorker worker = worker(outbox, new SmtpMailer(smtp(closedPort)), settings, (e, r) -> { });
            try {
                worker.start();
                worker.nudge();
                var handedBack = OUTBOX_EMAIL.LAST_ERROR.eq("SMTP server unreachable");
                Eventually.get(() -> Optional.of(true).filter(one -> database.dsl().fetchCount(OUTBOX_EMAIL, handedBack) > 0),
                        Duration.ofSeconds(10));
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                Eventually.get(() -> Optional.of(threads.getThreadInfo(worker.threadId()))
                        .filter(info -> info.getThreadState() == Thread.State.TIMED_WAITING), Duration.ofSeconds(10));
                long parkedBefore = threads.getThreadInfo(worker.threadId()).getWaitedCount();
                for (int i = 0; i < 20; i++) {
                    worker.nudge(); // new signups keep arriving
                    Thread.sleep(20);
                }
                // and none of them woke the sitting-out sender (each wake-up is one more park)
                assertThat(threads.getThreadInfo(worker.threadId()).getWaitedCount() - parkedBefore).isLessThanOrEqualTo(1);
                // the email in hand handed back; the other five wait untouched for the next try, not rewritten now
                assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, handedBack)).isEqualTo(1);
                assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.LAST_ERROR.isNull()
                        .and(OUTBOX_EMAIL.STATUS.eq("pending")))).isEqualTo(5);
                assertThat(database.dsl().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.ATTEMPTS.gt(0))).isZero();
            } catch (InterruptedException interrupted) {
                throw new AssertionError(interrupted);
            } finally {
                long closing = System.nanoTime();
                worker.close();
                // close() cuts the outage wait short
                assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void while_requests_queue_for_a_slot_or_saturate_the_cores_the_sender_pauses_after_each_batch_yet_sends_everything() {
        String databaseUrl = TestDatabases.fresh(); // before choosing a port: it may start PostgreSQL on one
        int smtpPort = TestStack.freePort();
        try (Database database = new Database(databaseUrl, Optional.of("postgres"), Optional.empty(), 2);
             DevMailServer smtp = DevMailServer.start(smtpPort)) {
            database.migrate();
            OutboxRepository outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
            for (int i = 0; i < 6; i++) {
                enqueueTo(outbox, database, "busy" + i + "@rocket-users.test");
            }
            // batches of 2; while requests queue, sending may take 20 % of the sender's time
            OutboxSettings settings = new OutboxSettings(3, Duration.ofMillis(10), 2, Duration.ofMillis(1),
                    Duration.ofMillis(5), 1, 20);
            AtomicLong requestsQueued = new AtomicLong();
            SimpleMeterRegistry busy = new SimpleMeterRegistry();
            // more requests have queued every time the sender looks: the service is saturated throughout
            sendAll(new OutboxWorker(outbox, new SmtpMailer(smtp(smtpPort)), DeferredRendering.NONE, settings, (e, r) -> { },
                    MailThrottle.NONE, new MailMetrics(busy), requestsQueued::incrementAndGet), smtp, 6);
            Timer pauses = busy.get(MailMetrics.GAVE_WAY).timer();
            assertThat(pauses.count()).isEqualTo(3); // one after each batch
            assertThat(pauses.totalTime(TimeUnit.NANOSECONDS)).isPositive();

            for (int i = 0; i < 6; i++) {
                enqueueTo(outbox, database, "calm" + i + "@rocket-users.test");
            }
            SimpleMeterRegistry calm = new SimpleMeterRegistry();
            // nothing queued: the sender never pauses
            sendAll(new OutboxWorker(outbox, new SmtpMailer(smtp(smtpPort)), DeferredRendering.NONE, settings, (e, r) -> { },
                    MailThrottle.NONE, new MailMetrics(calm), requestsQueued::get), smtp, 12);
            assertThat(calm.get(MailMetrics.GAVE_WAY).timer().count()).isZero();

            for (int i = 0; i < 6; i++) {
                enqueueTo(outbox, database, "saturated" + i + "@rocket-users.test");
            }
            SimpleMeterRegistry saturated = new SimpleMeterRegistry();
            // nothing queued, but the cores are saturated while requests come in: pauses all the same
            sendAll(new OutboxWorker(outbox, new SmtpMailer(smtp(smtpPort)), DeferredRendering.NONE, settings, (e, r) -> { },
                    MailThrottle.NONE, new MailMetrics(saturated), requestsQueued::get, () -> true, RecipientCheck.NONE),
                    smtp, 18);
            assertThat(saturated.get(MailMetrics.GAVE_WAY).timer().count()).isEqualTo(3);
        }
    }

    private static void sendAll(OutboxWorker worker, DevMailServer smtp, int expected) {
        try {
            worker.start();
            worker.nudge();
            Eventually.get(() -> Optional.of(true).filter(all -> smtp.messages().size() >= expected), Duration.ofSeconds(20));
        } finally {
            worker.close();
        }
    }

    private static void enqueueTo(OutboxRepository outbox, Database database, String recipient) {
        outbox.enqueue(database.dsl(), new OutgoingEmail("test", "hello@launchline.test", recipient,
                Optional.empty(), "Hi", "text", "<p>html</p>", Optional.empty()), null, null);
    }

    /** A sender as the service builds one, less what these tests do not watch: throttle, metrics, request queue. */
    private static OutboxWorker worker(OutboxRepository outbox, SmtpMailer mailer, OutboxSettings settings,
                                       OutboxWorker.DeadLetterListener deadLetters) {
        return new OutboxWorker(outbox, mailer, DeferredRendering.NONE, settings, deadLetters, MailThrottle.NONE,
                new MailMetrics(new SimpleMeterRegistry()), () -> 0);
    }

    /** Settings for one sender that never gives way to queued requests (OUTBOX_SHARE_WHEN_BUSY=100). */
    private static OutboxSettings oneSender(int maxAttempts, Duration pollInterval, int batchSize, Duration retryBase,
                                           Duration retryMax) {
        return new OutboxSettings(maxAttempts, pollInterval, batchSize, retryBase, retryMax, 1, 100);
    }

    private static SmtpSettings smtp(int port) {
        return new SmtpSettings("127.0.0.1", port, Optional.empty(), Optional.empty(), SmtpSettings.Security.NONE,
                Duration.ofSeconds(5));
    }

    @Test
    void backoff_grows_exponentially_with_jitter_and_is_capped() {
        OutboxSettings settings = oneSender(10, Duration.ofSeconds(1), 10, Duration.ofSeconds(30), Duration.ofMinutes(10));
        OutboxRepository outbox = new OutboxRepository(null, "x.test", Clock.systemUTC());
        OutboxWorker worker = worker(outbox, null, settings, (e, r) -> { });
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(600_000, 30_000L << (attempt - 1));
            long delay = Duration.between(outbox.now(), worker.retryAt(attempt)).toMillis();
            assertThat(delay).as("attempt %d", attempt).isBetween(ceiling / 2 - 50, ceiling + 50);
        }
    }
}
