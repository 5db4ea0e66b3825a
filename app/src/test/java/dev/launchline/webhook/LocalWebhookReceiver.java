package dev.launchline.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on a free loopback port, as a founder's CRM would run one: it checks every
 * request with the Standard Webhooks reference library (com.standardwebhooks, not our signer),
 * answers 401 to one it cannot verify, and records the verified ones. It can be told to fail the
 * first attempts of each message, to fail everything, or to hold requests until released.
 */
final class LocalWebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One verified delivery. */
    record Received(String webhookId, String type, JsonNode data, String body) {
    }

    private final HttpServer server;
    private final Webhook verifier;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();
    private final AtomicInteger unverified = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile int failFirstAttempts;
    private volatile boolean failAll;
    private volatile CountDownLatch hold = new CountDownLatch(0);

    /** @param secret the one whsec_ secret this receiver knows */
    LocalWebhookReceiver(String secret) throws Exception {
        this.verifier = new Webhook(secret);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    /** Answers 500 to the first {@code attempts} deliveries of each webhook-id. */
    void failFirstAttempts(int attempts) {
        this.failFirstAttempts = attempts;
    }

    void failAll(boolean fail) {
        this.failAll = fail;
    }

    /** Requests wait (unanswered) until {@link #release()}. */
    void holdRequests() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    /** Requests waiting unanswered right now. */
    int waiting() {
        return waiting.get();
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    List<Received> received(String type) {
        return received.stream().filter(r -> r.type().equals(type)).toList();
    }

    int attempts(String webhookId) {
        return attemptsById.getOrDefault(webhookId, new AtomicInteger()).get();
    }

    int unverified() {
        return unverified.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the reference library looks headers up by their lower-case names
            Map<String, List<String>> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values));
            try {
                verifier.verify(body, headers);
            } catch (Exception forged) {
                unverified.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String id = headers.get("webhook-id").get(0);
            int attempt = attemptsById.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
            waiting.incrementAndGet();
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
            if (failAll || attempt <= failFirstAttempts) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            JsonNode payload = JSON.readTree(body);
            received.add(new Received(id, payload.get("type").asText(), payload.get("data"), body));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
