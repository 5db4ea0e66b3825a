package dev.launchline.bots;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for Cloudflare's siteverify that speaks its documented protocol: a
 * form-encoded (or JSON) POST with secret, response, remoteip, idempotency_key; a JSON answer
 * with success, error-codes, challenge_ts, hostname, action, cdata. It keeps the documented
 * semantics: the dummy secret keys (1x... always passes, 2x... always fails, 3x... "already
 * spent"), tokens valid once (a replay is timeout-or-duplicate, unless it repeats the same
 * idempotency key), the dummy token rejected by a production secret, and the missing-/invalid-
 * input codes. It can also be made slow or broken, like the real one on a bad day.
 */
final class LocalSiteverify implements AutoCloseable {
    static final String PATH = "/turnstile/v0/siteverify";
    static final String DUMMY_PASS_SECRET = "1x0000000000000000000000000000000AA";
    static final String DUMMY_FAIL_SECRET = "2x0000000000000000000000000000000AA";
    static final String DUMMY_SPENT_SECRET = "3x0000000000000000000000000000000AA";
    static final String DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";

    enum Mode { NORMAL, SLOW, SERVER_ERROR }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String productionSecret;
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Map<String, String> spentWithKey = new ConcurrentHashMap<>();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.NORMAL;
    private volatile Duration slowness = Duration.ofSeconds(3);

    LocalSiteverify(String productionSecret) {
        this.productionSecret = productionSecret;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException cannotBind) {
            throw new IllegalStateException(cannotBind);
        }
        server.setExecutor(threads); // a slow answer must not hold up the next
        server.createContext(PATH, this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** A token the widget would have produced for the production secret's site. */
    String solveChallenge() {
        String token = "0." + UUID.randomUUID();
        issued.add(token);
        return token;
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    void slowness(Duration slowness) {
        this.slowness = slowness;
    }

    List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, "{\"success\":false,\"error-codes\":[\"bad-request\"]}");
                return;
            }
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!contentType.startsWith("application/x-www-form-urlencoded")) {
                send(exchange, 400, "{\"success\":false,\"error-codes\":[\"bad-request\"]}");
                return;
            }
            Map<String, String> fields = parseForm(body);
            requests.add(fields);
            if (mode == Mode.SLOW) {
                sleep(slowness);
            }
            if (mode == Mode.SERVER_ERROR) {
                send(exchange, 502, "<html>Bad gateway</html>");
                return;
            }
            send(exchange, 200, verdict(fields));
        }
    }

    private String verdict(Map<String, String> fields) {
        String secret = fields.get("secret");
        String response = fields.get("response");
        if (secret == null || secret.isEmpty()) {
            return failure("missing-input-secret");
        }
        if (response == null || response.isEmpty()) {
            return failure("missing-input-response");
        }
        if (response.length() > 2048) {
            return failure("invalid-input-response");
        }
        switch (secret) {
            case DUMMY_PASS_SECRET -> {
                return success();
            }
            case DUMMY_FAIL_SECRET -> {
                return failure("invalid-input-response");
            }
            case DUMMY_SPENT_SECRET -> {
                return failure("timeout-or-duplicate");
            }
            default -> {
            }
        }
        if (!secret.equals(productionSecret)) {
            return failure("invalid-input-secret");
        }
        if (response.equals(DUMMY_TOKEN)) {
            return failure("invalid-input-response"); // production secrets reject the dummy token
        }
        String key = fields.getOrDefault("idempotency_key", "");
        if (issued.remove(response)) {
            spentWithKey.put(response, key);
            return success();
        }
        if (spentWithKey.containsKey(response)) {
            // a retry with the same idempotency key gets the same answer; any other use is a replay
            return !key.isEmpty() && key.equals(spentWithKey.get(response)) ? success() : failure("timeout-or-duplicate");
        }
        return failure("invalid-input-response");
    }

    private static String success() {
        return "{\"success\":true,\"challenge_ts\":\"" + Instant.now() + "\",\"hostname\":\"example.com\","
                + "\"error-codes\":[],\"action\":\"signup\",\"cdata\":\"\",\"metadata\":{\"interactive\":false}}";
    }

    private static String failure(String code) {
        return "{\"success\":false,\"error-codes\":[\"" + code + "\"],\"messages\":[]}";
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> fields = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (seen.add(name)) {
                fields.put(name, value);
            }
        }
        return fields;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/html");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
