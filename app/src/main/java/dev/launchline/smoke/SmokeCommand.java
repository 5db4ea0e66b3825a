package dev.launchline.smoke;

import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.email.EmailAddress;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code launchline smoke --base-url URL --waitlist SLUG [--email-domain DOMAIN] [--timeout 60s]}:
 * the synthetic end-to-end check of a deployed service, over HTTP only ({@link SmokeRun}). It asks
 * the admin API to create a marked test signup (see {@link SmokeSignups} for why there), polls
 * until the confirmation mail is accepted by SMTP, and deletes the test signup again - also when a
 * step failed. Prints one line; exit 0 ok, 1 failed, 64 usage.
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
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m)?");

    private SmokeCommand() {
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
        SmokeRun.Result result = new SmokeRun(baseUrl.get(), waitlist, domain, timeout.get(), token.get()).run();
        out.println(result.line());
        return result.ok() ? OK : FAILED;
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
