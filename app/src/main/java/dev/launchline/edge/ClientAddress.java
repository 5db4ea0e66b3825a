package dev.launchline.edge;

import inet.ipaddr.IPAddress;

/**
 * A client's IP address. {@link #limitKey()} is what rate limits count by: the address for
 * IPv4, the /64 network for IPv6 (one subscriber usually holds a whole /64, so counting single
 * IPv6 addresses would give an attacker billions of fresh buckets).
 */
public record ClientAddress(String ip, String limitKey) {
    public static final ClientAddress UNKNOWN = new ClientAddress("unknown", "unknown");

    ClientAddress(IPAddress address) {
        this(address.toCanonicalString(),
                address.isIPv6() ? address.toPrefixBlock(64).toCanonicalString() : address.toCanonicalString());
    }

    @Override
    public String toString() {
        return ip;
    }
}
