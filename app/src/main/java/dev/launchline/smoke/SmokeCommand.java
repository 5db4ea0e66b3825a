package dev.launchline.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.email.EmailAddress;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code launchline smoke --base-url URL --waitlist SLUG [--email-domain DOMAIN] [--timeout 60s]}:
 * the synthetic end-to-end check of a deployed service, over HTTP only. It asks the admin API
 * to create a marked test signup (see {@link SmokeSignups} for why there), polls until the
 * confirmation mail is accepted by SMTP, and deletes the test signup again - also when a step
 * failed. Prints one line; exit 0 ok, 1 failed, 64 usage.
 * <p>
 * The admin token comes from SMOKE_ADMIN_TOKEN or the file SMOKE_ADMIN_TOKEN_FILE, never from
 * the command line (where {@code ps} would show it). It needs the write scope: creating and
 * deleting the test signup are writes.
 */
public final class SmokeCommand {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 64; // EX_USAGE from sysexits.h
    static final String HELP = """
            usage: launchline smoke --base-url URL --waitlist SLUG [--email-domain DOMAIN] [--timeout 60s]
              --base-url       the deployed service, e.g. https://api.example.com
              --waitlist       the waitlist to sign up to (its slug)
              --email-domain   the test address is smoke+<random>@DOMAIN; default SMOKE_EMAIL_DOMAIN.
                               Use a domain whose mail you receive or discard: a bounce hurts your sender reputation.
              --timeout        how long to wait for SMTP to accept the confirmation (1s to 10m; default 60s);
                               the clean-up after it may take up to 10 s more
            environment:
              SMOKE_ADMIN_TOKEN or SMOKE_ADMIN_TOKEN_FILE   an admin token with the write scope
            exit: 0 ok, 1 failed (the reason on one line), 64 usage
            """;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(10);
    private static final Duration CLEANUP_TIME = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m)?");
    private static final String PATH = "/api/v1/admin/smoke-signups";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String waitlist;
    private final String emailDomain;
    private final Duration timeout;
    private final Secret token;
    private final HttpClient client;

    private SmokeCommand(URI baseUrl, String waitlist, String emailDomain, Duration timeout, Secret token) {
        this.baseUrl = baseUrl;
        this.waitlist = waitlist;
        this.emailDomain = emailDomain;
        this.timeout = timeout;
        this.token = token;
        this.client = HttpClient.newBuilder()
                .connectTimeout(MAX_REQUEST_TIME)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** @param args the words after {@code smoke} */
    public static int run(List<String> args, EnvironmentVariables env, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!List.of("--base-url", "--waitlist", "--email-domain", "--timeout").contains(name)
                    || i + 1 >= args.size() || options.containsKey(name)) {
                return usage(err, "smoke: unknown, repeated or incomplete option '" + name + "'");
            }
            options.put(name, args.get(++i));
        }
        Optional<URI> baseUrl = baseUrl(options.get("--base-url"));
        if (baseUrl.isEmpty()) {
            return usage(err, "smoke: --base-url must be an http(s) URL such as https://api.example.com");
        }
        String waitlist = options.get("--waitlist");
        if (waitlist == null || !waitlist.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            return usage(err, "smoke: --waitlist must be a waitlist slug, e.g. --waitlist beta");
        }
        String domain = Optional.ofNullable(options.get("--email-domain"))
                .or(() -> env.get("SMOKE_EMAIL_DOMAIN")).orElse(null);
        if (domain == null || EmailAddress.parse("smoke@" + domain, false).isEmpty()) {
            return usage(err, "smoke: give the test address's domain with --email-domain or SMOKE_EMAIL_DOMAIN");
        }
        Optional<Duration> timeout = options.containsKey("--timeout")
                ? duration(options.get("--timeout")) : Optional.of(DEFAULT_TIMEOUT);
        if (timeout.isEmpty()) {
            return usage(err, "smoke: --timeout must be from 1s to 10m, e.g. --timeout 60s");
        }
        Optional<Secret> token = env.secret("SMOKE_ADMIN_TOKEN");
        if (!env.problems().isEmpty()) {
            return usage(err, "smoke: " + String.join("; ", env.problems()));
        }
        if (token.isEmpty()) {
            return usage(err, "smoke: set SMOKE_ADMIN_TOKEN or SMOKE_ADMIN_TOKEN_FILE to an admin token "
                    + "with the write scope (never on the command line)");
        }
        SmokeCommand smoke = new SmokeCommand(baseUrl.get(), waitlist, domain, timeout.get(), token.get());
        Result result = smoke.run();
        out.println(result.line());
        return result.ok() ? OK : FAILED;
    }

    record Result(boolean ok, String line) {
        static Result failed(String reason) {
            return new Result(false, "smoke FAILED: " + reason);
        }
    }

    private Result run() {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String email = "smoke+" + HexFormat.of().formatHex(random) + "@" + emailDomain;
        Reply created;
        try {
            created = send(HttpRequest.newBuilder(uri(PATH))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                            .put("waitlist", waitlist).put("email", email).toString())), requestTime(deadline));
        } catch (IOException unreachable) {
            // nothing was stored (or, if the answer was lost, the purge of unconfirmed signups takes it)
            return Result.failed("cannot reach " + baseUrl + " (" + describe(unreachable) + ")");
        }
        // 403 "forbidden" is the token's scope; another 403 (the origin lock) is not about the token
        if (created.status() == 401 || (created.status() == 403 && created.code().equals("forbidden"))) {
            return Result.failed("admin token refused (HTTP " + created.status() + ": " + created.message() + ")");
        }
        if (created.status() != 201) {
            return Result.failed("could not store the test signup (HTTP " + created.status() + ": "
                    + created.message() + ")");
        }
        long id = created.json().path("id").asLong();
        Result outcome = awaitConfirmation(id, started, deadline);
        Optional<String> cleanupProblem = delete(id);
        if (cleanupProblem.isEmpty()) {
            return outcome;
        }
        String notDeleted = "test signup " + id + " not deleted (" + cleanupProblem.get() + ")";
        return outcome.ok() ? Result.failed(notDeleted) : new Result(false, outcome.line() + "; also " + notDeleted);
    }

    /** Polls the admin API until the outbox says sent (accepted by SMTP), dead, or the deadline passes. */
    private Result awaitConfirmation(long id, Instant started, Instant deadline) {
        String lastSeen = "no answer";
        while (true) {
            try {
                Reply reply = send(HttpRequest.newBuilder(uri(PATH + "/" + id)).GET(), requestTime(deadline));
                if (reply.status() == 200) {
                    JsonNode confirmation = reply.json().path("confirmation");
                    String status = confirmation.path("status").asText("missing");
                    if (status.equals("sent")) {
                        return new Result(true, String.format(Locale.ROOT,
                                "smoke ok: signup stored, confirmation accepted by SMTP in %.1f s",
                                Duration.between(started, Instant.now()).toMillis() / 1000.0));
                    }
                    lastSeen = "status " + status + ", " + confirmation.path("attempts").asInt() + " attempts"
                            + lastError(confirmation);
                    if (status.equals("dead")) {
                        return Result.failed("confirmation given up by the mail worker (" + lastSeen + ")");
                    }
                } else {
                    lastSeen = "HTTP " + reply.status() + ": " + reply.message();
                }
            } catch (IOException unreachable) {
                lastSeen = "cannot reach " + baseUrl + ": " + describe(unreachable);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return Result.failed("confirmation not accepted by SMTP within " + seconds(timeout) + " ("
                        + lastSeen + ")");
            }
            try {
                Thread.sleep(Math.min(POLL_INTERVAL.toMillis(), left.toMillis()));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return Result.failed("interrupted while waiting for the confirmation (" + lastSeen + ")");
            }
        }
    }

    /** Empty when the test signup is gone (404 too: already gone is what we want). */
    private Optional<String> delete(long id) {
        try {
            Reply reply = send(HttpRequest.newBuilder(uri(PATH + "/" + id)).DELETE(), CLEANUP_TIME);
            return reply.status() == 204 || reply.status() == 404
                    ? Optional.empty()
                    : Optional.of("HTTP " + reply.status() + ": " + reply.message());
        } catch (IOException unreachable) {
            return Optional.of(describe(unreachable));
        }
    }

    private record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException notJson) {
                return JSON.missingNode();
            }
        }

        String code() {
            return json().path("error").path("code").asText("");
        }

        /** The error shape's message, or the start of whatever came back (a proxy's page, say). */
        String message() {
            String message = json().path("error").path("message").asText("");
            return oneLine(message.isEmpty() ? body : message, 200);
        }
    }

    private Reply send(HttpRequest.Builder request, Duration time) throws IOException {
        request.header("Authorization", "Bearer " + token.reveal())
                .header("Accept", "application/json")
                .header("User-Agent", "launchline-smoke")
                .timeout(time);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", interrupted);
        }
    }

    /** Each request may take at most 10 s, and never past the deadline (but at least 1 s, to be answered). */
    private static Duration requestTime(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return left.compareTo(MAX_REQUEST_TIME) < 0 ? left : MAX_REQUEST_TIME;
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String lastError(JsonNode confirmation) {
        String error = confirmation.path("last_error").asText("");
        return error.isEmpty() ? "" : ", last error: " + oneLine(error, 200);
    }

    private static String describe(IOException failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + oneLine(message, 200));
    }

    private static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max) + "...";
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0
                ? duration.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static Optional<URI> baseUrl(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return web && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null
                    ? Optional.of(uri) : Optional.empty();
        } catch (Exception malformed) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> duration(String raw) {
        Matcher matcher = DURATION.matcher(raw);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        boolean inRange = duration.compareTo(Duration.ofSeconds(1)) >= 0 && duration.compareTo(Duration.ofMinutes(10)) <= 0;
        return inRange ? Optional.of(duration) : Optional.empty();
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.print(HELP);
        return USAGE;
    }
}
