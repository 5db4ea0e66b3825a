package dev.launchline.doctor;

import dev.launchline.config.Secret;
import dev.launchline.doctor.Finding.Severity;
import dev.launchline.smoke.SmokeRun;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service behind the API host: ready, naming its release, unreachable around the edge (with
 * --origin: a request straight to the origin without the origin-lock header must be refused),
 * and, opt-in, the funnel end to end (the smoke check: a test signup whose confirmation the SMTP
 * server accepts, deleted afterwards).
 */
final class ServiceChecks {

    /** The opt-in funnel smoke: the waitlist, the test addresses' domain, a write-scoped admin token. */
    record Smoke(String waitlist, String emailDomain, Secret token) {
    }

    private ServiceChecks() {
    }

    static List<Finding> run(HttpProbe http, URI api, Optional<String> origin, Optional<Smoke> smoke,
                             Map<String, InetSocketAddress> connectTo, Optional<java.nio.file.Path> caFile) {
        List<Finding> findings = new ArrayList<>();
        try {
            HttpProbe.Response ready = http.get(api.resolve("/readyz"));
            if (ready.status() == 200 && ready.body().contains("\"status\":\"ready\"")) {
                findings.add(Finding.ok("service.readyz", "the service is ready", api.resolve("/readyz") + " 200"));
            } else if (ready.status() == 200) {
                findings.add(new Finding(Severity.WARNING, "service.readyz", "the service is ready but degraded", abbreviate(ready.body()),
                        "leads are taken, but mail is late or failing", "runbooks/incident-mail-not-leaving.md"));
            } else {
                findings.add(new Finding(Severity.BLOCKER, "service.readyz", "the service is not ready (HTTP " + ready.status() + ")",
                        abbreviate(ready.body()), "signups fail or are refused", "runbooks/incident-database-down.md"));
            }
            HttpProbe.Response version = http.get(api.resolve("/version"));
            boolean named = version.status() == 200 && version.body().contains("\"release\"") && !version.body().contains("unknown");
            findings.add(named
                    ? Finding.ok("service.version", "the service names its release", abbreviate(version.body()))
                    : new Finding(Severity.WARNING, "service.version", "the service does not name its release",
                            version.status() + " " + abbreviate(version.body()),
                            "error reports and rollbacks need to know which release runs", "deploy a jar built from git (deploy/build-release.sh)"));
        } catch (HttpProbe.Unreachable unreachable) {
            findings.add(new Finding(Severity.BLOCKER, "service.readyz", "the API is not reachable", unreachable.getMessage(),
                    "no signup can arrive", "runbooks/incident-dns-or-certificate.md"));
        }
        origin.ifPresent(address -> findings.add(originLock(api, address, connectTo, caFile)));
        smoke.ifPresent(check -> {
            SmokeRun.Result result = new SmokeRun(api, check.waitlist(), check.emailDomain(), Duration.ofSeconds(60), check.token()).run();
            findings.add(result.ok()
                    ? Finding.ok("service.smoke", "a test signup was stored and its confirmation accepted by SMTP", result.line())
                    : new Finding(Severity.BLOCKER, "service.smoke", "the funnel smoke failed", result.line(),
                            "a real visitor's signup or confirmation would fail the same way", "runbooks/smoke-check.md"));
        });
        return findings;
    }

    /** A request for the API host sent straight to the origin, without the origin-lock header. */
    private static Finding originLock(URI api, String origin, Map<String, InetSocketAddress> connectTo,
                                      Optional<java.nio.file.Path> caFile) {
        int port = api.getPort() != -1 ? api.getPort() : api.getScheme().equals("https") ? 443 : 80;
        java.util.HashMap<String, InetSocketAddress> direct = new java.util.HashMap<>(connectTo);
        direct.put(api.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port, new InetSocketAddress(origin, port));
        URI locked = api.resolve("/openapi.yaml"); // served only through the edge when the origin is locked
        try {
            HttpProbe.Response response = new HttpProbe(direct, caFile).get(locked);
            if (response.status() == 403) {
                return Finding.ok("service.origin-lock", "the origin refuses requests that bypass the edge", "403 from " + origin);
            }
            return new Finding(Severity.BLOCKER, "service.origin-lock", "the origin answers requests that bypass the edge",
                    "GET " + locked.getPath() + " straight to " + origin + ": HTTP " + response.status(),
                    "attackers skip Cloudflare's firewall, rate limits and bot checks", "set ORIGIN_LOCK_SECRET (docs/configuration.md) and in the Worker");
        } catch (HttpProbe.Unreachable closed) {
            return Finding.ok("service.origin-lock", "the origin is not reachable from here (only the edge reaches it)", closed.getMessage());
        }
    }

    private static String abbreviate(String body) {
        String line = body.replaceAll("\\s+", " ").trim();
        return line.length() <= 160 ? line : line.substring(0, 157) + "...";
    }
}
