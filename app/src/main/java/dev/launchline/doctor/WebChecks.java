package dev.launchline.doctor;

import dev.launchline.doctor.Finding.Severity;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a visitor's browser meets: redirects that keep them (and their ?ref=), certificates that
 * hold, HSTS, the security headers, and no credential in the landing page or its scripts. As
 * strict as the MDN HTTP Observatory on each point it shares with it.
 */
final class WebChecks {
    private static final String PROBE_QUERY = "ref=launch-doctor";
    private static final int MAX_HOPS = 6;
    private static final String TLS_FIX = "infra-terraform/modules/launch-zone (tls.tf): ";
    private static final String REDIRECT_FIX = "infra-terraform/modules/launch-zone (redirects.tf): ";

    /** Credentials that must never reach a browser; the value is masked in the report. */
    private static final List<Pattern> SECRETS = List.of(
            Pattern.compile("-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----"),
            Pattern.compile("\\bAKIA[0-9A-Z]{16}\\b"),
            Pattern.compile("\\b(?:sk|rk)_live_[0-9a-zA-Z]{16,}\\b"),
            Pattern.compile("\\bxox[baprs]-[0-9A-Za-z-]{10,}\\b"),
            Pattern.compile("\\bgh[pousr]_[0-9A-Za-z]{30,}\\b"),
            Pattern.compile("\\bsntrys_[0-9A-Za-z_=+/]{20,}"),
            Pattern.compile("(?:jdbc:)?postgres(?:ql)?://[^\\s:@/\"']+:[^\\s@/\"']+@"),
            Pattern.compile("smtps?://[^\\s:@/\"']+:[^\\s@/\"']+@"),
            // a Turnstile secret key; site keys start 0x4AAAAAAA too and are public, so only next to "secret"
            Pattern.compile("(?i)secret[\"'\\s:=]+[\"']?0x4AAAAAAA[0-9A-Za-z_-]{10,}"));
    private static final Pattern SCRIPT_SRC = Pattern.compile("<script[^>]+src=[\"']([^\"']+)[\"']", Pattern.CASE_INSENSITIVE);

    private WebChecks() {
    }

    static List<Finding> run(HttpProbe http, String domain, Optional<String> apiHost, List<String> knownSecrets, Clock clock) {
        List<Finding> findings = new ArrayList<>();
        String canonical = redirects(http, domain, findings);
        Set<String> names = new LinkedHashSet<>(List.of(domain, "www." + domain));
        apiHost.ifPresent(names::add);
        for (String name : names) {
            findings.add(certificate(http, name, clock));
            minimumVersion(http, name).ifPresent(findings::add);
        }
        if (canonical != null) {
            landingPage(http, canonical, knownSecrets, findings);
        }
        apiHost.ifPresent(api -> headers(http, URI.create("https://" + api + "/readyz"), api + " (API)", findings, false));
        return findings;
    }

    /** The redirect chains from http://apex and from the non-canonical host; returns the canonical host. */
    private static String redirects(HttpProbe http, String domain, List<Finding> findings) {
        List<Hop> fromHttp = follow(http, URI.create("http://" + domain + "/?" + PROBE_QUERY));
        Hop first = fromHttp.get(0);
        if (first.location == null || !first.location.getScheme().equalsIgnoreCase("https")) {
            findings.add(new Finding(Severity.BLOCKER, "redirects.https", "http://" + domain + " is not redirected to https",
                    chain(fromHttp), "visitors who type the address stay on plain http, where HSTS cannot protect them",
                    REDIRECT_FIX + "the http -> https rule (always_use_https)"));
        } else if (!first.location.getHost().equalsIgnoreCase(domain)) {
            findings.add(new Finding(Severity.WARNING, "redirects.https", "http://" + domain + " goes to another host before https",
                    chain(fromHttp), "the Observatory's rule: upgrade to https on the same host first, so HSTS is set for it",
                    REDIRECT_FIX + "the http -> https rule comes before the canonical-host one"));
        } else {
            findings.add(Finding.ok("redirects.https", "http://" + domain + " goes to https on the same host", chain(fromHttp)));
        }
        String canonical = checkChain("http://" + domain, fromHttp, findings);
        if (canonical == null) {
            return null;
        }
        String other = canonical.equals(domain) ? "www." + domain : domain;
        List<Hop> fromOther = follow(http, URI.create("https://" + other + "/?" + PROBE_QUERY));
        String reached = checkChain("https://" + other, fromOther, findings);
        int hops = fromOther.size() - 1;
        boolean permanent = fromOther.stream().filter(hop -> hop.location != null)
                .allMatch(hop -> hop.status == 301 || hop.status == 308);
        if (reached != null && reached.equals(canonical)) {
            if (hops > 2) {
                findings.add(new Finding(Severity.WARNING, "redirects.canonical", other + " takes " + hops + " hops to " + canonical,
                        chain(fromOther), "each hop costs a round trip on a phone", REDIRECT_FIX + "one rule from " + other + " to " + canonical));
            } else if (!permanent) {
                findings.add(new Finding(Severity.WARNING, "redirects.canonical", other + " redirects temporarily", chain(fromOther),
                        "302/307 are not cached and split your search ranking between two hosts", REDIRECT_FIX + "redirect_status = 301"));
            } else {
                findings.add(Finding.ok("redirects.canonical", other + " -> " + canonical + " in " + hops + " hop(s), permanent", chain(fromOther)));
            }
        } else if (reached != null) {
            findings.add(new Finding(Severity.WARNING, "redirects.canonical", "both " + canonical + " and " + reached + " serve the site",
                    chain(fromOther), "two hosts split search ranking, cookies and analytics; one canonical host is the rule",
                    REDIRECT_FIX + "canonical_host (the other name redirects to it)"));
        }
        return canonical;
    }

    /** Loops, downgrades to http, the query dropped, the end not 200; returns the final host, or null. */
    private static String checkChain(String start, List<Hop> hops, List<Finding> findings) {
        Hop last = hops.get(hops.size() - 1);
        if (last.loop) {
            findings.add(new Finding(Severity.BLOCKER, "redirects.loop", start + " redirects in a loop", chain(hops),
                    "browsers give up with \"too many redirects\": nobody reaches the page", REDIRECT_FIX + "the canonical_host rule"));
            return null;
        }
        for (int i = 1; i < hops.size(); i++) {
            if (hops.get(i - 1).uri.getScheme().equals("https") && hops.get(i).uri.getScheme().equals("http")) {
                findings.add(new Finding(Severity.BLOCKER, "redirects.downgrade", start + " is redirected back to http", chain(hops),
                        "the visitor leaves TLS: anyone on the network can read and change the page", REDIRECT_FIX + "redirect to https:// only"));
            }
        }
        String query = Optional.ofNullable(last.uri.getRawQuery()).orElse("");
        if (!query.contains(PROBE_QUERY)) {
            findings.add(new Finding(Severity.BLOCKER, "redirects.query", start + " drops the query string (?ref=...)", chain(hops),
                    "referral links land without their code: referrers lose their credit", REDIRECT_FIX + "preserve_query_string = true"));
        }
        if (last.status != 200) {
            findings.add(new Finding(Severity.BLOCKER, "redirects.end", start + " ends in HTTP " + last.status, chain(hops),
                    "the landing page is not served", "see the origin and the Worker (cloudflare/)"));
        }
        return last.uri.getHost().toLowerCase(Locale.ROOT);
    }

    /**
     * What the server still accepts, not just what a modern client negotiates with it; nothing when
     * the name is unreachable (its certificate finding already says so).
     */
    private static Optional<Finding> minimumVersion(HttpProbe http, String name) {
        Optional<String> legacy;
        try {
            legacy = http.legacyTlsAccepted(name);
        } catch (HttpProbe.Unreachable unreachable) {
            return Optional.empty();
        }
        if (legacy.isPresent()) {
            return Optional.of(new Finding(Severity.WARNING, "tls.minimum", name + " still accepts " + legacy.get(),
                    "a ClientHello offering at most TLS 1.1 was answered with a ServerHello for " + legacy.get(),
                    "TLS 1.0/1.1 are deprecated (RFC 8996); PCI DSS and internet.nl fail them", TLS_FIX + "min_tls_version = 1.2"));
        }
        return Optional.of(Finding.ok("tls.minimum", name + " refuses TLS 1.0 and 1.1", "a ClientHello offering at most TLS 1.1 was refused"));
    }

    private static Finding certificate(HttpProbe http, String name, Clock clock) {
        HttpProbe.Response response;
        try {
            response = http.get(URI.create("https://" + name + "/"));
        } catch (HttpProbe.Unreachable unreachable) {
            return new Finding(Severity.WARNING, "tls.certificate", "https://" + name + " not reachable", unreachable.getMessage(),
                    "if visitors use this name, they get an error", "the name's DNS record and the edge");
        }
        HttpProbe.Tls tls = response.tls().orElseThrow();
        long days = Duration.between(clock.instant(), tls.certificate().getNotAfter().toInstant()).toDays();
        String evidence = tls.protocol() + ", " + tls.certificate().getSubjectX500Principal().getName()
                + ", expires " + tls.certificate().getNotAfter().toInstant() + " (" + days + " days)";
        if (tls.untrusted().isPresent()) {
            return new Finding(Severity.BLOCKER, "tls.certificate", "the certificate of " + name + " is not valid",
                    evidence + ": " + tls.untrusted().get(), "browsers show a full-page warning; nobody signs up",
                    TLS_FIX + "Cloudflare's edge certificate covers the apex and www (Universal SSL)");
        }
        if (!tls.protocol().equals("TLSv1.3") && !tls.protocol().equals("TLSv1.2")) {
            return new Finding(Severity.BLOCKER, "tls.version", name + " negotiated " + tls.protocol(), evidence,
                    "TLS below 1.2 is broken and refused by browsers", TLS_FIX + "min_tls_version = 1.2");
        }
        if (days < 14) {
            return new Finding(Severity.BLOCKER, "tls.expiry", "the certificate of " + name + " expires in " + days + " days", evidence,
                    "once expired, browsers block the site", "renew it now; with Cloudflare's edge certificate, check Universal SSL's status");
        }
        if (days < 30) {
            return new Finding(Severity.WARNING, "tls.expiry", "the certificate of " + name + " expires in " + days + " days", evidence,
                    "automatic renewal usually happens 30 days ahead: it may be failing", "check the renewal");
        }
        return Finding.ok("tls.certificate", "the certificate of " + name + " is valid", evidence);
    }

    private static void landingPage(HttpProbe http, String canonical, List<String> knownSecrets, List<Finding> findings) {
        URI page = URI.create("https://" + canonical + "/");
        HttpProbe.Response response = headers(http, page, canonical + " (landing page)", findings, true);
        if (response == null) {
            return;
        }
        Optional<String> hsts = response.header("strict-transport-security");
        long maxAge = hsts.map(WebChecks::maxAge).orElse(-1L);
        if (hsts.isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "tls.hsts", "no HSTS on " + canonical, "no Strict-Transport-Security header",
                    "browsers may still try http first, where the first request can be intercepted", TLS_FIX + "hsts_max_age"));
        } else if (maxAge < 31_536_000) {
            findings.add(new Finding(Severity.WARNING, "tls.hsts", "HSTS max-age is " + maxAge + " s (under a year)", hsts.get(),
                    "the Observatory and preload lists ask for at least 31536000", TLS_FIX + "hsts_max_age = 31536000"));
        } else {
            findings.add(Finding.ok("tls.hsts", "HSTS for a year or more" + (hsts.get().toLowerCase(Locale.ROOT).contains("includesubdomains")
                    ? ", subdomains included" : "") + (hsts.get().toLowerCase(Locale.ROOT).contains("preload") ? ", preload" : ""), hsts.get()));
        }

        List<String> sources = new ArrayList<>(List.of("/ " + response.body()));
        Matcher scripts = SCRIPT_SRC.matcher(response.body());
        for (int count = 0; scripts.find() && count < 10; count++) {
            URI script = page.resolve(scripts.group(1));
            if (script.getHost() != null && script.getHost().equalsIgnoreCase(canonical)) { // the site's own scripts
                try {
                    sources.add(script.getPath() + " " + http.get(script).body());
                } catch (HttpProbe.Unreachable unreachable) {
                    // a missing script is the page's problem, not a leak
                }
            }
        }
        List<String> leaks = new ArrayList<>();
        for (String source : sources) {
            String where = source.substring(0, source.indexOf(' '));
            String text = source.substring(source.indexOf(' ') + 1);
            for (Pattern secret : SECRETS) {
                Matcher found = secret.matcher(text);
                if (found.find()) {
                    leaks.add(where + ": " + mask(found.group()));
                }
            }
            for (String known : knownSecrets) {
                if (known.length() >= 8 && text.contains(known)) {
                    leaks.add(where + ": the value of one of the service's own secrets");
                }
            }
        }
        findings.add(leaks.isEmpty()
                ? Finding.ok("frontend.secrets", "no credential in the landing page or its scripts", sources.size() + " file(s) read")
                : new Finding(Severity.BLOCKER, "frontend.secrets", "a credential is visible in the frontend", String.join("; ", leaks),
                        "anyone can read it in their browser: treat it as leaked", "rotate it now (runbooks/rotate-secrets.md) and remove it from the page"));
    }

    /** The security headers of one page; returns the response (null when unreachable). */
    private static HttpProbe.Response headers(HttpProbe http, URI uri, String what, List<Finding> findings, boolean page) {
        HttpProbe.Response response;
        try {
            response = http.get(uri);
        } catch (HttpProbe.Unreachable unreachable) {
            findings.add(new Finding(Severity.BLOCKER, "headers", what + " not reachable", unreachable.getMessage(),
                    "nobody reaches it", "the edge and the origin"));
            return null;
        }
        List<String> missing = new ArrayList<>();
        Optional<String> csp = response.header("content-security-policy");
        if (page && csp.isEmpty()) {
            missing.add("Content-Security-Policy");
        }
        if (!response.header("x-content-type-options").map(value -> value.equalsIgnoreCase("nosniff")).orElse(false)) {
            missing.add("X-Content-Type-Options: nosniff");
        }
        boolean framing = csp.map(value -> value.contains("frame-ancestors")).orElse(false) || response.header("x-frame-options").isPresent();
        if (!framing) {
            missing.add("frame-ancestors (CSP) or X-Frame-Options");
        }
        if (page && response.header("referrer-policy").isEmpty()) {
            missing.add("Referrer-Policy");
        }
        findings.add(missing.isEmpty()
                ? Finding.ok("headers.security", what + " sends the security headers", uri.toString())
                : new Finding(Severity.WARNING, "headers.security", what + " lacks " + String.join(", ", missing), uri.toString(),
                        "clickjacking, MIME sniffing and leaked referrers stay possible", "cloudflare/src/security-headers.js"));
        Optional<String> server = response.header("server").filter(value -> value.matches(".*\\d.*"))
                .or(() -> response.header("x-powered-by"));
        if (server.isPresent()) {
            findings.add(new Finding(Severity.WARNING, "headers.server", what + " names its software version", server.get(),
                    "it tells attackers which known holes to try", "remove Server versions and X-Powered-By at the edge"));
        }
        return response;
    }

    private record Hop(URI uri, int status, URI location, boolean loop) {
    }

    private static List<Hop> follow(HttpProbe http, URI start) {
        List<Hop> hops = new ArrayList<>();
        Set<URI> seen = new LinkedHashSet<>();
        URI current = start;
        for (int i = 0; i < MAX_HOPS; i++) {
            if (!seen.add(current)) {
                hops.add(new Hop(current, 0, null, true));
                return hops;
            }
            HttpProbe.Response response;
            try {
                response = http.get(current);
            } catch (HttpProbe.Unreachable unreachable) {
                hops.add(new Hop(current, 0, null, false));
                return hops;
            }
            Optional<String> location = response.header("location");
            if (response.status() / 100 != 3 || location.isEmpty()) {
                hops.add(new Hop(current, response.status(), null, false));
                return hops;
            }
            URI next = current.resolve(location.get());
            hops.add(new Hop(current, response.status(), next, false));
            current = next;
        }
        hops.add(new Hop(current, 0, null, true));
        return hops;
    }

    private static String chain(List<Hop> hops) {
        StringBuilder chain = new StringBuilder();
        for (Hop hop : hops) {
            chain.append(hop.uri).append(hop.loop ? " (again: a loop)" : hop.status == 0 ? " (no answer)" : " " + hop.status);
            if (hop.location != null) {
                chain.append(" -> ");
            }
        }
        return chain.toString();
    }

    private static long maxAge(String hsts) {
        Matcher matcher = Pattern.compile("max-age=\"?(\\d+)").matcher(hsts.toLowerCase(Locale.ROOT));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static String mask(String secret) {
        return secret.length() <= 8 ? "****" : secret.substring(0, 6) + "****";
    }
}
