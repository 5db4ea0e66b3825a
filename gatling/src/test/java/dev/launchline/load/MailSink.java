package dev.launchline.load;

import org.subethamail.smtp.server.SMTPServer;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SMTP server a local load run's service sends to: a real SMTP server (SubEthaSMTP) in the
 * load generator's JVM that accepts every message, counts it and drops it. In production the
 * service hands mail to a relay on another machine; the dev inbox (GreenMail inside the
 * service's JVM, which parses and keeps every message) would bill the service for the relay's
 * work. The count is a cross-check of the outbox's own "sent" rows.
 */
final class MailSink implements AutoCloseable {
    private final AtomicLong accepted = new AtomicLong();
    private final SMTPServer server;

    private MailSink() {
        this.server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("mail-sink.launchline.test")
                .maxConnections(64)
                .messageHandler((context, from, to, data) -> accepted.incrementAndGet())
                .build();
    }

    static MailSink start() {
        MailSink sink = new MailSink();
        sink.server.start();
        return sink;
    }

    int port() {
        return server.getPortAllocated();
    }

    long accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        server.stop();
    }
}
