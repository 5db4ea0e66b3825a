package dev.launchline.mail;

import dev.launchline.Config;
import dev.launchline.db.schema.tables.records.OutboxEmailRecord;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A relay that stops reading in the middle of a message must not hang the mail sender: the
 * write is cut off after SMTP_TIMEOUT (plus a tick of {@link WriteDeadlines}), as Angus's own
 * timer did, without that timer's cost per write.
 */
class SmtpWriteTimeoutTest {

    @Test
    void a_write_to_a_relay_that_stopped_reading_fails_after_the_timeout_instead_of_hanging() throws Exception {
        try (StallingSmtpServer relay = new StallingSmtpServer()) {
            SmtpMailer mailer = new SmtpMailer(new SmtpSettings("127.0.0.1", relay.port(), Optional.empty(),
                    Optional.empty(), SmtpSettings.Security.NONE, Duration.ofSeconds(1)));
            // far more than loopback's socket buffers hold, so the write blocks once the relay stops reading
            OutboxEmailRecord huge = email("x".repeat(76) + "\r\n", 400_000);

            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (SmtpMailer.Connection connection = mailer.connect()) {
                    assertThatThrownBy(() -> connection.send(huge)).isInstanceOf(MessagingException.class);
                }
            });
            assertThat(relay.stalledAtData()).isEqualTo(1);
        }
    }

    @Test
    void a_deadline_cancelled_in_time_never_fires_and_an_overdue_one_fires_once() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Callable<String> closeSocket = () -> "fired " + fired.incrementAndGet();

        ScheduledFuture<String> metInTime = WriteDeadlines.SHARED.schedule(closeSocket, 1, TimeUnit.SECONDS);
        assertThat(metInTime.cancel(true)).as("cancelled before it was due").isTrue();
        ScheduledFuture<String> missed = WriteDeadlines.SHARED.schedule(closeSocket, 10, TimeUnit.MILLISECONDS);

        assertThat(missed.get(5, TimeUnit.SECONDS)).isEqualTo("fired 1");
        assertThat(missed.cancel(true)).as("too late to cancel: the write is reported as timed out").isFalse();
        Thread.sleep(3 * WriteDeadlines.TICK.toMillis() + 1000);
        assertThat(fired).hasValue(1);
        assertThat(metInTime.isCancelled()).isTrue();
    }

    private static OutboxEmailRecord email(String line, int lines) {
        return UnsentEmails.to("someone@launchline.test", "<stall@launchline.test>", "A very long email",
                line.repeat(lines), "<p>short</p>");
    }

    /** Speaks SMTP until DATA, answers 354, then never reads again. */
    private static final class StallingSmtpServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger stalledAtData = new AtomicInteger();
        private volatile Socket client;

        StallingSmtpServer() throws IOException {
            Thread.ofPlatform().daemon().start(this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        int stalledAtData() {
            return stalledAtData.get();
        }

        private void serve() {
            try {
                client = server.accept();
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = client.getOutputStream();
                out.write("220 stalling.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String command = line.toUpperCase();
                    if (command.startsWith("EHLO")) {
                        out.write("250 stalling.test\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else if (command.startsWith("DATA")) {
                        out.write("354 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                        stalledAtData.incrementAndGet();
                        return; // and never read again: the client's writes fill the buffers and block
                    } else {
                        out.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        @Override
        public void close() throws IOException {
            if (client != null) {
                client.close();
            }
            server.close();
        }
    }
}
