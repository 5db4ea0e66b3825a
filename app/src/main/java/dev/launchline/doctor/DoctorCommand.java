package dev.launchline.doctor;

import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.doctor.Finding.Severity;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code launchline doctor}: audits a launch from outside and ranks what would lose leads or mail.
 * Read-only and polite: a few DNS queries per check. This part covers DNS and email
 * authentication; exit 0 without blockers, 1 with, 64 on a usage error.
 */
public final class DoctorCommand {
    static final String USAGE = """
            usage: launchline doctor --domain rocket.example [options]
              --domain D             the site's domain (apex), required
              --api HOST             the API host, e.g. api.rocket.example (checked like the site's names)
              --origin ADDRESS       the origin's IP address or host: no public record may point at it
              --mail-from ADDRESS    the From address of the service's mail (default: hello@DOMAIN)
              --dkim-selector S      a DKIM selector of the mail provider; repeat for several
              --spf-include DOMAIN   the mail provider's SPF include, e.g. spf.mtasv.net (Postmark)
              --resolver HOST:PORT   the DNS resolver to ask (default: the system's)
              --connect-to N:P:H:P   send connections for name N, port P to host H, port P (as curl's option), repeatable
              --ca-file PEM          also trust these CA certificates (a staging environment's own CA)
              --env-file F           the service's env file: the values of its secrets must not appear in the frontend
              --checks LIST          dns,email,web,service (default: all four; service needs --api)
              --smoke                also the funnel end to end (a test signup, its mail accepted, cleaned up):
                                     with --waitlist W, --smoke-email-domain D and --admin-token-file F (write scope)
              --format F             text (default), json or markdown (a report to hand over)
            exit: 0 no blockers, 1 blockers, 64 usage error
            """;

    private DoctorCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException wrong) {
            err.print("doctor: " + wrong.getMessage() + "\n" + USAGE);
            return 64;
        }
        Dns dns = options.resolver() == null ? Dns.system() : Dns.at(options.resolver());
        List<Finding> findings = new ArrayList<>();
        Optional<InetAddress> origin = Optional.empty();
        if (options.origin() != null && options.checks().contains("dns")) {
            origin = checked(findings, "dns.origin", () -> resolveOrigin(dns, options.origin()));
        }
        Optional<InetAddress> originAddress = origin;
        if (options.checks().contains("dns")) {
            checked(findings, "dns", () -> findings.addAll(DnsChecks.run(dns, options.domain(), Optional.ofNullable(options.api()),
                    originAddress)));
        }
        if (options.checks().contains("email")) {
            checked(findings, "email", () -> findings.addAll(EmailAuthChecks.run(dns, options.mailDomain(), options.selectors(),
                    Optional.ofNullable(options.spfInclude()))));
        }
        if (options.checks().contains("service") && options.apiBase() != null) {
            HttpProbe http = new HttpProbe(options.connectTo(), Optional.ofNullable(options.caFile()));
            findings.addAll(ServiceChecks.run(http, options.apiBase(), Optional.ofNullable(options.origin()),
                    Optional.ofNullable(options.smoke()), options.connectTo(), Optional.ofNullable(options.caFile())));
        }
        if (options.checks().contains("web")) {
            HttpProbe http = new HttpProbe(options.connectTo(), Optional.ofNullable(options.caFile()));
            findings.addAll(WebChecks.run(http, options.domain(), Optional.ofNullable(options.api()), options.knownSecrets(),
                    Clock.systemUTC()));
        }
        DoctorReport report = new DoctorReport(options.domain(), findings);
        out.print(switch (options.format()) {
            case "json" -> report.json();
            case "markdown" -> report.markdown();
            default -> report.text();
        });
        return report.exitCode();
    }

    /** A check the resolver could not answer is a blocker: an unknown is not launch-ready. */
    private static <T> Optional<T> checked(List<Finding> findings, String check, Supplier<T> work) {
        try {
            return Optional.ofNullable(work.get());
        } catch (Dns.DnsFailure failure) {
            findings.add(new Finding(Severity.BLOCKER, check, "could not be checked", failure.getMessage(),
                    "the doctor could not see what receivers and visitors see", "run it again with a working --resolver"));
            return Optional.empty();
        }
    }

    private static InetAddress resolveOrigin(Dns dns, String origin) {
        try {
            if (origin.matches("[0-9.]+") || origin.contains(":")) {
                return InetAddress.getByName(origin);
            }
        } catch (UnknownHostException notAnAddress) {
            throw new Dns.DnsFailure("--origin " + origin + " is not an address");
        }
        List<InetAddress> addresses = dns.addresses(origin);
        if (addresses.isEmpty()) {
            throw new Dns.DnsFailure("--origin " + origin + " does not resolve");
        }
        return addresses.get(0);
    }

    record Options(String domain, String api, String origin, String mailDomain, List<String> selectors, String spfInclude,
                   InetSocketAddress resolver, String format, Map<String, java.net.InetSocketAddress> connectTo,
                   Path caFile, List<String> knownSecrets, Set<String> checks, URI apiBase,
                   ServiceChecks.Smoke smoke) {

        static Options parse(List<String> args) {
            String domain = null;
            String api = null;
            String origin = null;
            String mailFrom = null;
            String spfInclude = null;
            InetSocketAddress resolver = null;
            String format = "text";
            List<String> selectors = new ArrayList<>();
            Map<String, java.net.InetSocketAddress> connectTo = new HashMap<>();
            Path caFile = null;
            List<String> knownSecrets = new ArrayList<>();
            Set<String> checks = Set.of("dns", "email", "web", "service");
            URI apiBase = null;
            boolean smoke = false;
            String waitlist = null;
            String smokeDomain = null;
            Path tokenFile = null;
            for (int i = 0; i < args.size(); i += 2) {
                String option = args.get(i);
                if (option.equals("--smoke")) { // the one option without a value
                    smoke = true;
                    i--;
                    continue;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args.get(i + 1).trim();
                switch (option) {
                    case "--domain" -> domain = hostName(value, option);
                    case "--api" -> {
                        apiBase = URI.create(value.contains("://") ? value : "https://" + value);
                        api = hostName(apiBase.getHost(), option);
                    }
                    case "--origin" -> origin = value;
                    case "--mail-from" -> mailFrom = value;
                    case "--dkim-selector" -> selectors.add(value);
                    case "--spf-include" -> spfInclude = hostName(value, option);
                    case "--resolver" -> {
                        try {
                            resolver = Dns.parseAddress(value);
                        } catch (UnknownHostException | NumberFormatException bad) {
                            throw new IllegalArgumentException("--resolver is host:port, e.g. 1.1.1.1:53");
                        }
                    }
                    case "--connect-to" -> {
                        String[] parts = value.split(":");
                        if (parts.length != 4) {
                            throw new IllegalArgumentException("--connect-to is NAME:PORT:HOST:PORT, e.g. rocket.example:443:127.0.0.1:8443");
                        }
                        try {
                            connectTo.put(parts[0].toLowerCase(Locale.ROOT) + ":" + Integer.parseInt(parts[1]),
                                    new InetSocketAddress(parts[2], Integer.parseInt(parts[3])));
                        } catch (NumberFormatException notAPort) {
                            throw new IllegalArgumentException("--connect-to ports are numbers");
                        }
                    }
                    case "--ca-file" -> {
                        caFile = Path.of(value);
                        if (!Files.isReadable(caFile)) {
                            throw new IllegalArgumentException("--ca-file " + value + " is not a readable file");
                        }
                    }
                    case "--env-file" -> knownSecrets.addAll(secretsOf(Path.of(value)));
                    case "--checks" -> {
                        checks = Set.of(value.split(","));
                        if (!Set.of("dns", "email", "web", "service").containsAll(checks)) {
                            throw new IllegalArgumentException("--checks is a list of dns, email, web, service");
                        }
                    }
                    case "--waitlist" -> waitlist = value;
                    case "--smoke-email-domain" -> smokeDomain = hostName(value, option);
                    case "--admin-token-file" -> tokenFile = Path.of(value);
                    case "--format" -> {
                        if (!List.of("text", "json", "markdown").contains(value)) {
                            throw new IllegalArgumentException("--format is text, json or markdown");
                        }
                        format = value;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (domain == null) {
                throw new IllegalArgumentException("--domain is required");
            }
            String mailDomain = domain;
            if (mailFrom != null) {
                int at = mailFrom.lastIndexOf('@');
                if (at < 0) {
                    throw new IllegalArgumentException("--mail-from is an address, e.g. hello@" + domain);
                }
                mailDomain = hostName(mailFrom.substring(at + 1).replace(">", ""), "--mail-from");
            }
            ServiceChecks.Smoke smokeCheck = null;
            if (smoke) {
                if (apiBase == null || waitlist == null || smokeDomain == null || tokenFile == null) {
                    throw new IllegalArgumentException("--smoke needs --api, --waitlist, --smoke-email-domain and --admin-token-file");
                }
                try {
                    String token = Files.readString(tokenFile).strip();
                    if (token.isEmpty() || token.chars().anyMatch(Character::isISOControl)) {
                        throw new IllegalArgumentException("--admin-token-file must hold the token alone, on one line");
                    }
                    smokeCheck = new ServiceChecks.Smoke(waitlist, smokeDomain, Secret.of(token));
                } catch (IOException unreadable) {
                    throw new IllegalArgumentException("--admin-token-file " + tokenFile + " is not readable");
                }
            }
            return new Options(domain, api, origin, mailDomain, List.copyOf(selectors), spfInclude, resolver, format,
                    connectTo, caFile, List.copyOf(knownSecrets), checks, apiBase, smokeCheck);
        }

        /** The values of the service's secrets in its env file (or the files it names), to look for in the frontend. */
        private static List<String> secretsOf(Path envFile) {
            EnvironmentVariables env = EnvironmentVariables.fromFile(envFile);
            if (!env.problems().isEmpty()) {
                throw new IllegalArgumentException("--env-file: " + String.join("; ", env.problems()));
            }
            List<String> values = new ArrayList<>();
            for (String name : List.of("TOKEN_SIGNING_KEY", "TOKEN_SIGNING_KEY_PREVIOUS", "ORIGIN_LOCK_SECRET", "METRICS_TOKEN",
                    "DATABASE_PASSWORD", "DATABASE_MIGRATION_PASSWORD", "SMTP_PASSWORD", "TURNSTILE_SECRET_KEY", "SENTRY_DSN",
                    "SMOKE_ADMIN_TOKEN")) {
                env.secret(name).ifPresent(secret -> values.add(secret.reveal()));
            }
            return values;
        }

        private static String hostName(String value, String option) {
            String host = value == null ? "" : value.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            if (!host.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw new IllegalArgumentException(option + " is a domain name, e.g. rocket.example");
            }
            return host;
        }
    }
}
