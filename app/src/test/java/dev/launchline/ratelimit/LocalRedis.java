package dev.launchline.ratelimit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The real Redis at 127.0.0.1:6379, when this machine has one. */
final class LocalRedis {
    static final String URL = "redis://127.0.0.1:6379";

    private LocalRedis() {
    }

    /** Skips the calling test, saying why, when no Redis answers PING at 127.0.0.1:6379. */
    static void assumeRunning() {
        Assumptions.assumeTrue(answersPing(),
                "Redis is not running at 127.0.0.1:6379: skipping this Redis-specific test (start redis-server to run it)");
    }

    /** A key prefix of its own for each test, so runs never meet each other's buckets. */
    static String freshKeyPrefix() {
        return "launchline-test:" + UUID.randomUUID() + ":";
    }

    private static boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException unreachable) {
            return false;
        }
    }
}
