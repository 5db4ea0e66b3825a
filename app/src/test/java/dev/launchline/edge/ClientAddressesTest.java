package dev.launchline.edge;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressesTest {
    private final ClientAddresses behindCloudflare =
            new ClientAddresses(TrustedProxies.of(TrustedProxies.shippedCloudflareRanges()));
    private final ClientAddresses trustingNobody = new ClientAddresses(TrustedProxies.none());

    @Test
    void forwarding_headers_from_an_untrusted_peer_are_ignored() {
        ClientAddress client = behindCloudflare.resolve("198.51.100.7", "203.0.113.1", "203.0.113.2");

        assertThat(client.ip()).isEqualTo("198.51.100.7");
    }

    @Test
    void with_no_trusted_proxies_the_socket_address_is_the_client_whatever_the_headers_say() {
        assertThat(trustingNobody.resolve("104.16.0.1", "203.0.113.1", "203.0.113.2").ip()).isEqualTo("104.16.0.1");
    }

    @Test
    void cloudflare_connecting_ip_is_believed_when_the_peer_is_a_cloudflare_edge() {
        assertThat(behindCloudflare.resolve("104.16.0.1", "203.0.113.9", null).ip()).isEqualTo("203.0.113.9");
        assertThat(behindCloudflare.resolve("2606:4700::1", "2001:db8::5", null).ip()).isEqualTo("2001:db8::5");
    }

    @Test
    void x_forwarded_for_is_read_from_the_right_skipping_trusted_hops() {
        ClientAddresses behindOurBalancer = new ClientAddresses(TrustedProxies.of(List.of("10.0.0.0/8")));

        // the client wrote a fake first entry; our balancer appended the real peer it saw, then 10.0.0.5
        ClientAddress client = behindOurBalancer.resolve("10.0.0.9", null, "1.2.3.4, 198.51.100.23, 10.0.0.5");

        assertThat(client.ip()).isEqualTo("198.51.100.23");
    }

    @Test
    void garbage_in_x_forwarded_for_falls_back_to_the_peer() {
        ClientAddresses behindOurBalancer = new ClientAddresses(TrustedProxies.of(List.of("10.0.0.0/8")));

        assertThat(behindOurBalancer.resolve("10.0.0.9", "not-an-ip", "<script>").ip()).isEqualTo("10.0.0.9");
    }

    @Test
    void an_ipv4_peer_on_a_dual_stack_socket_is_matched_as_ipv4() {
        assertThat(behindCloudflare.resolve("::ffff:104.16.0.1", "203.0.113.9", null).ip()).isEqualTo("203.0.113.9");
    }

    @Test
    void ipv6_clients_are_limited_per_64_network() {
        ClientAddress one = trustingNobody.resolve("2001:db8:1:2::1", null, null);
        ClientAddress other = trustingNobody.resolve("2001:db8:1:2:ffff::9", null, null);

        assertThat(one.ip()).isNotEqualTo(other.ip());
        assertThat(one.limitKey()).isEqualTo(other.limitKey()).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void the_shipped_cloudflare_list_parses_and_has_both_families() {
        List<String> ranges = TrustedProxies.shippedCloudflareRanges();

        assertThat(ranges).contains("173.245.48.0/20", "2606:4700::/32");
        TrustedProxies.of(ranges); // throws on a malformed line
    }

    @Test
    void a_malformed_trusted_proxy_is_an_error_not_silently_skipped() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/8", "10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
