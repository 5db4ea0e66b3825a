package dev.launchline.edge;

import inet.ipaddr.IPAddress;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;

/**
 * Decides, once per request, which address is the client's, and keeps it on the request for
 * rate limits, referral checks and the audit log.
 *
 * <p>A request that came through our own edge Worker (it presented the origin-lock secret)
 * carries the visitor's address in {@value #EDGE_CLIENT_HEADER}: a Worker's requests to the
 * origin carry Cloudflare's address for the Worker in CF-Connecting-IP, not the visitor's, so
 * without it every visitor would share one rate limit. Otherwise forwarding headers count only
 * when the TCP peer is a trusted proxy: CF-Connecting-IP first (Cloudflare sets it and overwrites
 * any the client sent), else X-Forwarded-For read from the right, skipping our own proxies.
 */
public final class ClientAddresses {
    /** Set by the Worker in cloudflare/ from the CF-Connecting-IP it was given; any a client sent is dropped there. */
    public static final String EDGE_CLIENT_HEADER = "X-Launchline-Client-IP";
    private static final String ATTRIBUTE = "launchline.clientAddress";

    private final TrustedProxies trusted;

    public ClientAddresses(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    /** @param throughTheEdge the request presented the origin-lock secret ({@link OriginLock#check}) */
    public void assign(Context ctx, boolean throughTheEdge) {
        Optional<IPAddress> fromTheEdge = throughTheEdge
                ? TrustedProxies.parse(ctx.header(EDGE_CLIENT_HEADER)) : Optional.empty();
        ctx.attribute(ATTRIBUTE, fromTheEdge.map(ClientAddress::new).orElseGet(() ->
                resolve(ctx.req().getRemoteAddr(), ctx.header("CF-Connecting-IP"), ctx.header("X-Forwarded-For"))));
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
