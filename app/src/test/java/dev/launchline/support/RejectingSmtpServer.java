package dev.launchline.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server on loopback that speaks the real protocol but answers every RCPT TO
 * with a fixed reply (e.g. "550 5.1.1 no such user"): how a provider refuses an address.
 */
public final class RejectingSmtpServer implements AutoCloseable {
    private final ServerSocket server;
    private final String rcptReply;
    private final AtomicInteger rcptCount = new AtomicInteger();
    private final Thread thread;

    public RejectingSmtpServer(String rcptReply) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.rcptReply = rcptReply;
        this.thread = Thread.ofPlatform().daemon().start(this::serve);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int recipientsRefused() {
        return rcptCount.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = socket.getOutputStream();
                reply(out, "220 rejecting.test ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                    switch (command) {
                        case "EHLO", "HELO" -> reply(out, "250 rejecting.test");
                        case "RCPT" -> {
                            rcptCount.incrementAndGet();
                            reply(out, rcptReply);
                        }
                        case "QUIT" -> {
                            reply(out, "221 bye");
                            socket.close();
                        }
                        default -> reply(out, "250 ok"); // MAIL, RSET, NOOP
                    }
                    if (socket.isClosed()) {
                        break;
                    }
                }
            } catch (IOException closedOrReset) {
                // next connection, or the server was closed
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
