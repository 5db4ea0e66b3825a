package dev.launchline.edge;

import inet.ipaddr.IPAddress;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;

/**
 * Decides, once per request, which address is the client's, and keeps it on the request for
 * rate limits, referral checks and the audit log. Forwarding headers count only when the TCP
 * peer is a trusted proxy: CF-Connecting-IP first (Cloudflare sets it and overwrites any the
 * client sent), else X-Forwarded-For read from the right, skipping our own proxies.
 */
public final class ClientAddresses {
    private static final String ATTRIBUTE = "launchline.clientAddress";

    private final TrustedProxies trusted;

    public ClientAddresses(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    public void assign(Context ctx) {
        ctx.attribute(ATTRIBUTE, resolve(ctx.req().getRemoteAddr(), ctx.header("CF-Connecting-IP"),
                ctx.header("X-Forwarded-For")));
    }

    /** The client of this request; the socket peer if {@link #assign} has not run. */
    public static ClientAddress of(Context ctx) {
        ClientAddress address = ctx.attribute(ATTRIBUTE);
        if (address == null) {
            return TrustedProxies.parse(ctx.req().getRemoteAddr()).map(ClientAddress::new)
                    .orElse(ClientAddress.UNKNOWN);
        }
        return address;
    }

    ClientAddress resolve(String peerText, String cfConnectingIp, String forwardedFor) {
        Optional<IPAddress> peer = TrustedProxies.parse(peerText);
        if (peer.isEmpty()) {
            return ClientAddress.UNKNOWN;
        }
        if (!trusted.trusts(peer.get())) {
            return new ClientAddress(peer.get()); // spoofable headers from an untrusted peer are ignored
        }
        Optional<IPAddress> fromCloudflare = TrustedProxies.parse(cfConnectingIp);
        if (fromCloudflare.isPresent()) {
            return new ClientAddress(fromCloudflare.get());
        }
        if (forwardedFor != null) {
            List<String> hops = List.of(forwardedFor.split(","));
            // the rightmost entries were appended by proxies we trust; the first one we do not trust is the client
            for (int i = hops.size() - 1; i >= 0; i--) {
                Optional<IPAddress> hop = TrustedProxies.parse(hops.get(i));
                if (hop.isEmpty()) {
                    break; // garbage in the chain: stop believing it here
                }
                if (!trusted.trusts(hop.get()) || i == 0) {
                    return new ClientAddress(hop.get());
                }
            }
        }
        return new ClientAddress(peer.get());
    }
}
