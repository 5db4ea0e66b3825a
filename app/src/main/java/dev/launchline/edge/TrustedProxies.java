package dev.launchline.edge;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The peers whose forwarding headers we believe: Cloudflare's edge, a load balancer, nobody.
 * Anyone else can write any CF-Connecting-IP or X-Forwarded-For they like, so for them the
 * socket address is the client.
 */
public final class TrustedProxies {
    public static final String CLOUDFLARE = "cloudflare";
    private static final String SHIPPED_CLOUDFLARE_RANGES = "/edge/cloudflare-ip-ranges.txt";

    private final List<IPAddress> ranges;

    private TrustedProxies(List<IPAddress> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** Parses CIDRs or single addresses; a malformed entry is an error, never silently skipped. */
    public static TrustedProxies of(List<String> cidrs) {
        List<IPAddress> ranges = new ArrayList<>();
        for (String cidr : cidrs) {
            IPAddress range = parse(cidr)
                    .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR range: " + cidr));
            ranges.add(range.toPrefixBlock());
        }
        return new TrustedProxies(ranges);
    }

    /** The ranges in Cloudflare's published list as shipped in this build. */
    public static List<String> shippedCloudflareRanges() {
        try (InputStream in = TrustedProxies.class.getResourceAsStream(SHIPPED_CLOUDFLARE_RANGES)) {
            return rangesIn(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** One range per line; blank lines and # comments ignored. */
    public static List<String> rangesIn(String text) {
        return text.lines()
                .map(line -> line.replaceFirst("#.*", "").strip())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public boolean trusts(IPAddress address) {
        IPAddress normalized = normalize(address);
        for (IPAddress range : ranges) {
            if (range.getIPVersion() == normalized.getIPVersion() && range.contains(normalized)) {
                return true;
            }
        }
        return false;
    }

    static Optional<IPAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        IPAddress address = new IPAddressString(text.strip()).getAddress();
        return Optional.ofNullable(address).map(TrustedProxies::normalize);
    }

    /** ::ffff:203.0.113.7 (how a dual-stack socket reports an IPv4 peer) is 203.0.113.7. */
    static IPAddress normalize(IPAddress address) {
        if (address.isIPv6() && address.isIPv4Convertible() && address.toIPv6().isIPv4Mapped()) {
            return address.toIPv4();
        }
        return address;
    }
}
