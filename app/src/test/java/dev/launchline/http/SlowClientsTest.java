package dev.launchline.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow-loris clients: many connections that send a request a byte at a time. With HTTP_THREADS=8
 * the instance handles four requests at once, so 150 such connections are far more than its
 * turns; normal signups sent meanwhile must still be answered (before the fix they waited
 * REQUEST_QUEUE_WAIT_MS behind the dribblers and got 503), and the dribblers are cut off.
 */
class SlowClientsTest {
    private static final int ATTACKERS = 150;
    private static final String SIGNUPS = "/api/v1/waitlists/launch/signups";
    private static final Map<String, String> SMALL = Map.of(
            "HTTP_THREADS", "8",
            "REQUEST_BODY_TIMEOUT_MS", "2000",
            "RATE_LIMIT_SIGNUPS_PER_IP", "off");

    @Test
    void clients_that_dribble_their_body_hold_no_turn_and_are_cut_off_with_408() throws Exception {
        try (TestStack stack = TestStack.start(SMALL);
             ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = stack.service().port();
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                String head = "POST " + SIGNUPS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 8000\r\n\r\n";
                answers.add(attackers.submit(() -> dribble(port, head, "{\"email\": \"slow@rocket-users.test\", \"x\": \"")));
            }
            Thread.sleep(500); // every dribbler has sent its headers and begun its body

            for (int i = 0; i < 20; i++) {
                Http.Response signup = stack.http().postJson(SIGNUPS, "{\"email\": \"normal" + i + "@rocket-users.test\"}");
                assertThat(signup.status()).as("normal signup %d during the attack: %s", i, signup.body()).isEqualTo(202);
            }

            int answered = 0;
            for (Future<String> answer : answers) {
                // "" when the server's close reached the client while it was still sending: the kernel
                // then drops the answer it had received (a reset). Every answer that arrives is a 408.
                String response = answer.get(30, TimeUnit.SECONDS);
                if (response.isEmpty()) {
                    continue;
                }
                answered++;
                assertThat(response).startsWith("HTTP/1.1 408 ");
                String body = response.substring(response.indexOf("\r\n\r\n") + 4);
                assertThat(new ObjectMapper().readTree(body).at("/error/code").asText()).isEqualTo("request_timeout");
            }
            assertThat(answered).as("dribblers that read their 408 before the connection closed").isGreaterThan(ATTACKERS / 2);
            assertThat(stack.db().fetchCount(stack.db().selectFrom("signup").where("email like 'normal%'"))).isEqualTo(20);
            assertThat(stack.db().fetchCount(stack.db().selectFrom("signup").where("email like 'slow%'"))).isZero();
        }
    }

    @Test
    void clients_that_dribble_their_headers_hold_no_turn_either() throws Exception {
        try (TestStack stack = TestStack.start(SMALL);
             ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = stack.service().port();
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                String head = "POST " + SIGNUPS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
                answers.add(attackers.submit(() -> dribble(port, head, "X-Slow-Header-" + "a".repeat(40))));
            }
            Thread.sleep(500);

            for (int i = 0; i < 20; i++) {
                Http.Response signup = stack.http().postJson(SIGNUPS, "{\"email\": \"normal" + i + "@rocket-users.test\"}");
                assertThat(signup.status()).as("normal signup %d during the attack: %s", i, signup.body()).isEqualTo(202);
            }
            attackers.shutdownNow(); // the dribblers stop; nothing of theirs reached a handler
            assertThat(stack.db().fetchCount(stack.db().selectFrom("signup"))).isEqualTo(20);
        }
    }

    @Test
    void a_body_past_the_limit_that_arrives_in_pieces_gets_its_413_at_once() throws Exception {
        // The pieces make the body loader hand the request on from Jetty's demand callback; the
        // handler then blocks reading the rest. Handed on there, it waited for a callback queued
        // behind its own until the idle timeout (about one large body in fifteen, in any order).
        try (TestStack stack = TestStack.start(SMALL)) {
            for (int i = 0; i < 5; i++) {
                String answer = inPieces(stack.service().port(), SIGNUPS, 40_000, 1_000, 19_000);
                assertThat(answer).as("attempt %d", i).startsWith("HTTP/1.1 413 ");
                assertThat(new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                        .at("/error/code").asText()).isEqualTo("payload_too_large");
            }
            assertThat(stack.db().fetchCount(stack.db().selectFrom("signup"))).isZero();
        }
    }

    /** POSTs a JSON body of {@code length} bytes: its first pieces of the given sizes, 200 ms apart, then the rest. */
    private static String inPieces(int port, String path, int length, int... pieces) throws IOException, InterruptedException {
        byte[] body = ("{\"email\": \"big@rocket-users.test\", \"x\": \"" + "y".repeat(length) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000); // the idle timeout it used to wait for is 30 s
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            int sent = 0;
            try {
                for (int piece : pieces) {
                    out.write(body, sent, piece);
                    out.flush();
                    sent += piece;
                    Thread.sleep(200);
                }
                out.write(body, sent, body.length - sent);
                out.flush();
            } catch (IOException closedOnUs) {
                // answered before the last piece went out: read what it said
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends {@code head}, then {@code slowly} one byte every 250 ms; returns whatever the server
     * answered once it closed the connection (or "" if it never did within the bytes we had).
     */
    private static String dribble(int port, String head, String slowly) throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                for (byte b : slowly.getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(250);
                    if (socket.getInputStream().available() > 0) {
                        break; // answered already
                    }
                }
            } catch (IOException closedOnUs) {
                // the server answered and closed while we were still sending: read what it said
            }
            InputStream in = socket.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketException reset) {
                return ""; // closed on us, the answer lost with it (see the caller)
            }
        }
    }
}
