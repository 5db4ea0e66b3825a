package dev.launchline.doctor;

import dev.launchline.doctor.Finding.Severity;
import dev.launchline.edge.TrustedProxies;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Is the domain where visitors find it, behind Cloudflare, without publishing the origin's
 * address? Apex and www resolve; their addresses (and the API host's) are Cloudflare's; no name
 * the doctor knows of (mail exchangers included) resolves to the web or origin address; CAA limits
 * who may issue certificates; DNSSEC as information.
 */
final class DnsChecks {
    private static final String TERRAFORM = "infra-terraform/modules/launch-zone (dns.tf): ";

    private DnsChecks() {
    }

    static List<Finding> run(Dns dns, String domain, Optional<String> apiHost, Optional<InetAddress> origin) {
        List<Finding> findings = new ArrayList<>();
        TrustedProxies cloudflare = TrustedProxies.of(TrustedProxies.shippedCloudflareRanges());
        Map<String, List<InetAddress>> web = new LinkedHashMap<>();
        web.put(domain, dns.addresses(domain));
        web.put("www." + domain, dns.addresses("www." + domain));
        apiHost.ifPresent(host -> web.put(host, dns.addresses(host)));

        for (Map.Entry<String, List<InetAddress>> name : web.entrySet()) {
            if (name.getValue().isEmpty()) {
                boolean apex = name.getKey().equals(domain);
                findings.add(new Finding(apex ? Severity.BLOCKER : Severity.WARNING, "dns.resolves", name.getKey() + " does not resolve",
                        "A/AAAA " + name.getKey() + ": none", apex ? "nobody reaches the site" : "links and typed addresses to it fail",
                        TERRAFORM + "domain, canonical_host and api_host (the records are created proxied)"));
                continue;
            }
            List<InetAddress> exposed = name.getValue().stream().filter(address -> !cloudflare.trusts(ip(address))).toList();
            if (exposed.isEmpty()) {
                findings.add(Finding.ok("dns.proxied", name.getKey() + " is proxied by Cloudflare", addresses(name.getValue())));
            } else {
                boolean isOrigin = origin.isPresent() && exposed.contains(origin.get());
                findings.add(new Finding(isOrigin ? Severity.BLOCKER : Severity.WARNING, "dns.proxied",
                        name.getKey() + " is not proxied" + (isOrigin ? ": it publishes the origin's address" : ""),
                        addresses(exposed) + " outside Cloudflare's ranges",
                        "the address is public: attackers go around the edge's firewall, rate limits and cache",
                        "turn the proxy on (orange cloud): " + TERRAFORM + "records are proxied = true"));
            }
        }

        Set<InetAddress> webAddresses = web.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        origin.ifPresent(webAddresses::add);
        for (String exchanger : dns.mailExchangers(domain)) {
            List<InetAddress> addresses = dns.addresses(exchanger);
            List<InetAddress> shared = addresses.stream().filter(webAddresses::contains).toList();
            if (!shared.isEmpty()) {
                findings.add(new Finding(Severity.BLOCKER, "dns.origin-exposure", "the MX host " + exchanger + " resolves to the web server's address",
                        "MX " + exchanger + " -> " + addresses(shared),
                        "MX records cannot be proxied: this publishes the origin's address to anyone who asks",
                        "receive mail at your mail provider's hosts: " + TERRAFORM.replace("dns.tf", "email.tf") + "mx_records"));
            }
        }
        origin.ifPresent(address -> {
            boolean exposedAnywhere = findings.stream().anyMatch(finding -> finding.severity() == Severity.BLOCKER
                    && (finding.check().equals("dns.origin-exposure") || finding.title().contains("origin")));
            if (!exposedAnywhere) {
                findings.add(Finding.ok("dns.origin-exposure", "no record the doctor knows of points at the origin",
                        "checked: " + String.join(", ", web.keySet()) + " and the MX hosts"));
            }
        });

        List<String> issuers = dns.query(domain, Type.CAA).records().stream()
                .map(record -> ((CAARecord) record).getTag() + " " + ((CAARecord) record).getValue()).toList();
        findings.add(issuers.isEmpty()
                ? new Finding(Severity.WARNING, "dns.caa", "no CAA record", "CAA " + domain + ": none",
                        "any certificate authority may issue certificates for your domain", TERRAFORM + "caa_issuers")
                : Finding.ok("dns.caa", "CAA limits who issues certificates", String.join(", ", issuers)));
        boolean signed = !dns.query(domain, Type.DNSKEY).records().isEmpty();
        findings.add(Finding.ok("dns.dnssec", "DNSSEC " + (signed ? "signed" : "not signed (information)"), "DNSKEY " + domain));
        return findings;
    }

    private static IPAddress ip(InetAddress address) {
        return new IPAddressString(address.getHostAddress()).getAddress();
    }

    private static String addresses(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    }
}
