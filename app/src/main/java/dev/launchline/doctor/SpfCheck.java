package dev.launchline.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Walks a domain's SPF record the way a receiver does (RFC 7208), counting what receivers limit:
 * terms that cost a DNS query (include, a, mx, ptr, exists, redirect) at most 10, through every
 * include and redirect; lookups that find nothing ("void") at most 2. Past either limit the
 * receiver answers permerror and DMARC treats the mail as unauthenticated by SPF.
 */
final class SpfCheck {
    static final int LOOKUP_LIMIT = 10;
    static final int VOID_LIMIT = 2;
    private static final int DEPTH_LIMIT = 12;

    /**
     * @param records      SPF records at the domain itself (exactly one is right)
     * @param record       the first of them, as published
     * @param allQualifier the effective "all" ('+', '-', '~', '?'), or none; following a redirect
     * @param includes     every domain reached through include or redirect
     */
    record Result(String domain, int records, String record, int lookups, int voids, List<String> errors,
                  Set<String> includes, String allQualifier) {
    }

    private final Dns dns;
    private int lookups;
    private int voids;
    private final List<String> errors = new ArrayList<>();
    private final Set<String> includes = new LinkedHashSet<>();

    private SpfCheck(Dns dns) {
        this.dns = dns;
    }

    static Result evaluate(Dns dns, String domain) {
        List<String> records = spfRecords(dns, domain);
        if (records.isEmpty()) {
            return new Result(domain, 0, null, 0, 0, List.of(), Set.of(), null);
        }
        // With two, receivers fail SPF outright; each is still counted, and the costliest one is
        // reported, so that everything wrong shows at once (DNS returns them in any order).
        Result worst = null;
        for (String record : records) {
            SpfCheck check = new SpfCheck(dns);
            String all = check.walk(domain, record, new LinkedHashSet<>(List.of(domain.toLowerCase(Locale.ROOT))), 0);
            Result result = new Result(domain, records.size(), record, check.lookups, check.voids,
                    List.copyOf(check.errors), java.util.Collections.unmodifiableSet(new LinkedHashSet<>(check.includes)), all);
            if (worst == null || result.lookups() > worst.lookups()) {
                worst = result;
            }
        }
        return worst;
    }

    private static List<String> spfRecords(Dns dns, String domain) {
        return dns.txt(domain).stream()
                .filter(text -> text.toLowerCase(Locale.ROOT).equals("v=spf1") || text.toLowerCase(Locale.ROOT).startsWith("v=spf1 "))
                .toList();
    }

    /** Counts one record's terms (recursing into include and redirect); returns its "all" qualifier, or null. */
    private String walk(String domain, String record, Set<String> path, int depth) {
        String all = null;
        String redirect = null;
        for (String term : record.trim().split("\\s+")) {
            String lower = term.toLowerCase(Locale.ROOT);
            if (lower.equals("v=spf1")) {
                continue;
            }
            char qualifier = "+-~?".indexOf(lower.charAt(0)) >= 0 ? lower.charAt(0) : '+';
            String mechanism = "+-~?".indexOf(lower.charAt(0)) >= 0 ? lower.substring(1) : lower;
            if (mechanism.equals("all")) {
                all = String.valueOf(qualifier);
            } else if (mechanism.startsWith("include:")) {
                lookups++;
                follow(mechanism.substring("include:".length()), path, depth, "include");
            } else if (mechanism.startsWith("redirect=")) {
                redirect = mechanism.substring("redirect=".length());
            } else if (mechanism.equals("a") || mechanism.startsWith("a:") || mechanism.startsWith("a/")) {
                lookups++;
                String target = target(mechanism, domain);
                if (target != null && dns.addresses(target).isEmpty()) {
                    voids++;
                }
            } else if (mechanism.equals("mx") || mechanism.startsWith("mx:") || mechanism.startsWith("mx/")) {
                lookups++;
                String target = target(mechanism, domain);
                if (target != null && dns.mailExchangers(target).isEmpty()) {
                    voids++;
                }
            } else if (mechanism.equals("ptr") || mechanism.startsWith("ptr:")) {
                lookups++;
                errors.add(domain + ": uses ptr, which RFC 7208 says not to use (slow, and many receivers skip it)");
            } else if (mechanism.startsWith("exists:")) {
                lookups++;
                String target = mechanism.substring("exists:".length());
                if (!target.contains("%") && dns.addresses(target).isEmpty()) {
                    voids++;
                }
            }
        }
        if (redirect != null && all == null) { // a redirect applies only where no "all" decides first
            lookups++;
            return follow(redirect, path, depth, "redirect");
        }
        return all;
    }

    private String follow(String target, Set<String> path, int depth, String how) {
        String domain = target.toLowerCase(Locale.ROOT);
        if (domain.contains("%")) {
            return null; // a macro: expanded per message, not countable here
        }
        includes.add(domain);
        if (path.contains(domain)) {
            errors.add(how + " loop: " + String.join(" -> ", path) + " -> " + domain);
            return null;
        }
        if (depth >= DEPTH_LIMIT) {
            errors.add("includes nested deeper than " + DEPTH_LIMIT + " at " + domain);
            return null;
        }
        List<String> records = spfRecords(dns, domain);
        if (records.isEmpty()) {
            voids++;
            errors.add(how + ":" + domain + " has no SPF record (receivers answer permerror)");
            return null;
        }
        if (records.size() > 1) {
            errors.add(how + ":" + domain + " has " + records.size() + " SPF records (receivers answer permerror)");
            return null;
        }
        Set<String> deeper = new LinkedHashSet<>(path);
        deeper.add(domain);
        return walk(domain, records.get(0), deeper, depth + 1);
    }

    /** The domain an a or mx mechanism asks about: its own, or the one after ':' (without /cidr). */
    private static String target(String mechanism, String domain) {
        int colon = mechanism.indexOf(':');
        String target = colon < 0 ? domain : mechanism.substring(colon + 1);
        int slash = target.indexOf('/');
        target = slash < 0 ? target : target.substring(0, slash);
        return target.contains("%") ? null : target;
    }
}
