package dev.launchline.support;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for Sentry's ingest on 127.0.0.1: accepts what the real SDK posts to
 * {@code /api/{project}/envelope/} (gzip'd or not), checks the auth header is there, and keeps
 * each envelope's text (header line, item headers and JSON payloads) for the test to read.
 */
public final class SentryEnvelopeServer implements AutoCloseable {
    public static final String PROJECT = "42";
    private final HttpServer server;
    private final List<String> envelopes = new CopyOnWriteArrayList<>();

    public SentryEnvelopeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException failed) {
            throw new IllegalStateException(failed);
        }
        server.createContext("/api/" + PROJECT + "/envelope/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            boolean authenticated = exchange.getRequestHeaders().getFirst("X-Sentry-Auth") != null;
            if (authenticated) {
                try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(body))
                        : new ByteArrayInputStream(body)) {
                    envelopes.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            byte[] answer = authenticated ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(authenticated ? 200 : 401, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** A DSN that sends this server the events. */
    public String dsn() {
        return "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/" + PROJECT;
    }

    public List<String> envelopes() {
        return List.copyOf(envelopes);
    }

    /** Envelopes holding an error event (the SDK also sends sessions and client reports). */
    public List<String> events() {
        return envelopes.stream().filter(envelope -> envelope.contains("\"type\":\"event\"")).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
