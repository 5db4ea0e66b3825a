package dev.launchline.doctor;

import dev.launchline.doctor.Finding.Severity;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
        if (options.origin() != null) {
            origin = checked(findings, "dns.origin", () -> resolveOrigin(dns, options.origin()));
        }
        Optional<InetAddress> originAddress = origin;
        checked(findings, "dns", () -> findings.addAll(DnsChecks.run(dns, options.domain(), Optional.ofNullable(options.api()),
                originAddress)));
        checked(findings, "email", () -> findings.addAll(EmailAuthChecks.run(dns, options.mailDomain(), options.selectors(),
                Optional.ofNullable(options.spfInclude()))));
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
                   java.net.InetSocketAddress resolver, String format) {

        static Options parse(List<String> args) {
            String domain = null;
            String api = null;
            String origin = null;
            String mailFrom = null;
            String spfInclude = null;
            java.net.InetSocketAddress resolver = null;
            String format = "text";
            List<String> selectors = new ArrayList<>();
            for (int i = 0; i < args.size(); i += 2) {
                String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args.get(i + 1).trim();
                switch (option) {
                    case "--domain" -> domain = hostName(value, option);
                    case "--api" -> api = hostName(value.contains("://") ? URI.create(value).getHost() : value, option);
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
            return new Options(domain, api, origin, mailDomain, List.copyOf(selectors), spfInclude, resolver, format);
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
