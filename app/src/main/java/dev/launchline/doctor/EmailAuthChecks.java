package dev.launchline.doctor;

import dev.launchline.doctor.Finding.Severity;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Will the confirmation email land in the inbox? SPF, DKIM and DMARC of the From domain, as
 * strict as checkdmarc and internet.nl on each point, plus MX (replies) and MTA-STS/TLS-RPT as
 * information. The fixes name the variables of infra-terraform/modules/launch-zone/email.tf.
 */
final class EmailAuthChecks {
    private static final String TERRAFORM = "infra-terraform/modules/launch-zone (email.tf): ";

    private EmailAuthChecks() {
    }

    static List<Finding> run(Dns dns, String domain, List<String> selectors, Optional<String> providerInclude) {
        List<Finding> findings = new ArrayList<>();
        findings.addAll(spf(dns, domain, providerInclude));
        for (String selector : selectors) {
            findings.add(dkim(dns, domain, selector));
        }
        if (selectors.isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "email.dkim", "DKIM not checked",
                    "no --dkim-selector given", "without DKIM, DMARC rests on SPF alone, which forwarding breaks",
                    "name your mail provider's selector(s): --dkim-selector s1 (the provider's domain settings show it)"));
        }
        findings.addAll(dmarc(dns, domain));
        findings.add(mx(dns, domain));
        findings.add(information(dns, "_mta-sts." + domain, "v=STSv1", "email.mta-sts", "MTA-STS"));
        findings.add(information(dns, "_smtp._tls." + domain, "v=TLSRPTv1", "email.tls-rpt", "TLS-RPT"));
        return findings;
    }

    private static List<Finding> spf(Dns dns, String domain, Optional<String> providerInclude) {
        List<Finding> findings = new ArrayList<>();
        SpfCheck.Result spf = SpfCheck.evaluate(dns, domain);
        if (spf.records() == 0) {
            findings.add(new Finding(Severity.BLOCKER, "email.spf", "no SPF record at " + domain, "TXT " + domain + ": none starting v=spf1",
                    "receivers cannot tell your mail from forgery; many put it in spam", TERRAFORM + "spf_extra_includes (the module publishes one SPF record)"));
            return findings;
        }
        if (spf.records() > 1) {
            findings.add(new Finding(Severity.BLOCKER, "email.spf", spf.records() + " SPF records at " + domain,
                    spf.records() + " TXT records start with v=spf1", "RFC 7208: more than one is a permerror: SPF fails for every message",
                    "merge them into one: " + TERRAFORM + "spf_extra_includes, and delete the others"));
        }
        findings.add(spf.lookups() > SpfCheck.LOOKUP_LIMIT
                ? new Finding(Severity.BLOCKER, "email.spf.lookups", "SPF needs " + spf.lookups() + " DNS lookups (limit 10)",
                        spf.lookups() + " lookups through " + String.join(", ", spf.includes()),
                        "past 10, receivers answer permerror: SPF fails for every message",
                        "drop includes of services that no longer send for you, or flatten them: " + TERRAFORM + "spf_extra_includes")
                : Finding.ok("email.spf.lookups", "SPF lookups within the limit", spf.lookups() + " of 10"));
        findings.add(spf.voids() > SpfCheck.VOID_LIMIT
                ? new Finding(Severity.BLOCKER, "email.spf.void", "SPF has " + spf.voids() + " void lookups (limit 2)",
                        spf.voids() + " terms point at names with no record", "past 2, receivers answer permerror",
                        "remove the mechanisms that name domains without records")
                : Finding.ok("email.spf.void", "SPF void lookups within the limit", spf.voids() + " of 2"));
        for (String error : spf.errors()) {
            findings.add(new Finding(error.contains("ptr") ? Severity.WARNING : Severity.BLOCKER, "email.spf.record",
                    "SPF record problem", error, "receivers may treat SPF as failed", TERRAFORM + "spf_extra_includes"));
        }
        String all = spf.allQualifier();
        if ("+".equals(all)) {
            findings.add(new Finding(Severity.BLOCKER, "email.spf.all", "SPF ends in +all", spf.record(),
                    "+all lets anyone on the internet send as " + domain, "end with -all or ~all (the module writes ~all)"));
        } else if (all == null || "?".equals(all)) {
            findings.add(new Finding(Severity.WARNING, "email.spf.all", "SPF ends " + (all == null ? "without all" : "in ?all"),
                    spf.record(), "neutral: forged mail is not failed by SPF", "end with ~all or -all"));
        } else {
            findings.add(Finding.ok("email.spf.all", "SPF ends in " + all + "all", spf.record()));
        }
        providerInclude.ifPresent(include -> findings.add(spf.includes().contains(include.toLowerCase(Locale.ROOT))
                ? Finding.ok("email.spf.provider", "SPF includes the mail provider", "include:" + include)
                : new Finding(Severity.BLOCKER, "email.spf.provider", "SPF does not include the mail provider",
                        "no include:" + include + " in " + spf.record(), "mail sent through the provider fails SPF",
                        TERRAFORM + "mail_provider (or spf_extra_includes)")));
        return findings;
    }

    private static Finding dkim(Dns dns, String domain, String selector) {
        String name = selector + "._domainkey." + domain;
        List<String> records = dns.txt(name);
        if (records.isEmpty()) {
            return new Finding(Severity.BLOCKER, "email.dkim", "no DKIM key at selector " + selector, "TXT " + name + ": none",
                    "mail signed with this selector fails DKIM, and DMARC then rests on SPF alone",
                    TERRAFORM + "dkim_records (copy the record your mail provider shows)");
        }
        Map<String, String> tags = tags(records.get(0));
        if (tags.containsKey("v") && !tags.get("v").equalsIgnoreCase("DKIM1")) {
            return new Finding(Severity.BLOCKER, "email.dkim", "DKIM record at " + selector + " is not v=DKIM1", records.get(0),
                    "receivers ignore it", TERRAFORM + "dkim_records");
        }
        String key = tags.getOrDefault("p", "");
        if (key.isEmpty()) {
            return new Finding(Severity.BLOCKER, "email.dkim", "DKIM key at " + selector + " is revoked (empty p=)", records.get(0),
                    "every signature with this selector fails", TERRAFORM + "dkim_records");
        }
        if (tags.getOrDefault("k", "rsa").equalsIgnoreCase("ed25519")) {
            return Finding.ok("email.dkim", "DKIM key at " + selector, "ed25519");
        }
        int bits = rsaBits(key);
        if (bits < 1024) {
            return new Finding(Severity.BLOCKER, "email.dkim", "DKIM key at " + selector + " is " + (bits < 0 ? "unreadable" : bits + "-bit"),
                    "p=" + abbreviate(key), "receivers reject keys under 1024 bits", "rotate to a 2048-bit key at your provider; " + TERRAFORM + "dkim_records");
        }
        if (bits < 2048) {
            return new Finding(Severity.WARNING, "email.dkim", "DKIM key at " + selector + " is " + bits + "-bit",
                    "p=" + abbreviate(key), "2048 bits is the recommended minimum", "rotate to a 2048-bit key at your provider");
        }
        return Finding.ok("email.dkim", "DKIM key at " + selector, bits + "-bit RSA");
    }

    private static List<Finding> dmarc(Dns dns, String domain) {
        List<String> records = dns.txt("_dmarc." + domain).stream()
                .filter(text -> text.toLowerCase(Locale.ROOT).startsWith("v=dmarc1")).toList();
        if (records.isEmpty()) {
            return List.of(new Finding(Severity.BLOCKER, "email.dmarc", "no DMARC record", "TXT _dmarc." + domain + ": none",
                    "Gmail and Yahoo require DMARC of bulk senders; without it your mail is more likely spam",
                    TERRAFORM + "dmarc_policy and dmarc_rua"));
        }
        if (records.size() > 1) {
            return List.of(new Finding(Severity.BLOCKER, "email.dmarc", records.size() + " DMARC records", String.join(" | ", records),
                    "more than one: receivers ignore DMARC altogether", "keep one: " + TERRAFORM + "dmarc_policy"));
        }
        List<Finding> findings = new ArrayList<>();
        Map<String, String> tags = tags(records.get(0));
        String policy = tags.getOrDefault("p", "").toLowerCase(Locale.ROOT);
        if (policy.equals("none") || policy.isEmpty()) {
            findings.add(new Finding(Severity.WARNING, "email.dmarc.policy", "DMARC policy is p=" + (policy.isEmpty() ? "(missing)" : "none"),
                    records.get(0), "p=none only reports: forged mail from your domain is still delivered",
                    "move to quarantine once the reports are clean: " + TERRAFORM + "dmarc_policy"));
        } else {
            findings.add(Finding.ok("email.dmarc.policy", "DMARC policy p=" + policy, records.get(0)));
        }
        findings.add(tags.containsKey("rua")
                ? Finding.ok("email.dmarc.rua", "DMARC reports go to " + tags.get("rua"), records.get(0))
                : new Finding(Severity.WARNING, "email.dmarc.rua", "DMARC sends no reports (no rua=)", records.get(0),
                        "without reports you cannot see who sends as your domain, or when your own mail fails",
                        TERRAFORM + "dmarc_rua"));
        findings.add(Finding.ok("email.dmarc.alignment", "DKIM aligned with the From domain",
                "the selectors are under " + domain + " (adkim=" + tags.getOrDefault("adkim", "r")
                        + "); SPF aligns only with a return-path under " + domain + " (aspf=" + tags.getOrDefault("aspf", "r") + ")"));
        return findings;
    }

    private static Finding mx(Dns dns, String domain) {
        List<String> exchangers = dns.mailExchangers(domain);
        return exchangers.isEmpty()
                ? new Finding(Severity.WARNING, "email.mx", "no MX record at " + domain, "MX " + domain + ": none",
                        "replies to your confirmation and contact emails bounce", TERRAFORM + "mx_records")
                : Finding.ok("email.mx", "replies can arrive", "MX " + String.join(", ", exchangers));
    }

    private static Finding information(Dns dns, String name, String prefix, String check, String what) {
        boolean present = dns.txt(name).stream().anyMatch(text -> text.startsWith(prefix));
        return Finding.ok(check, what + (present ? " published" : " not published (information)"), "TXT " + name);
    }

    /** tag=value; pairs of a DKIM or DMARC record. */
    static Map<String, String> tags(String record) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : record.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                tags.put(part.substring(0, equals).trim().toLowerCase(Locale.ROOT), part.substring(equals + 1).replaceAll("\\s+", ""));
            }
        }
        return tags;
    }

    private static int rsaBits(String base64) {
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            BigInteger modulus = key.getModulus();
            return modulus.bitLength();
        } catch (Exception unreadable) {
            return -1;
        }
    }

    private static String abbreviate(String key) {
        return key.length() <= 24 ? key : key.substring(0, 20) + "...";
    }
}
