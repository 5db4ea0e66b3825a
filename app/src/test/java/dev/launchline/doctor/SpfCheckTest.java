package dev.launchline.doctor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.launchline.doctor.LocalDnsServer.zoneText;
import static org.assertj.core.api.Assertions.assertThat;

/** The SPF lookup counter against RFC 7208's limits (10 lookups, 2 void lookups), through a real DNS server. */
class SpfCheckTest {
    private static LocalDnsServer server;
    private static Dns dns;

    @BeforeAll
    static void serveTheZones() throws Exception {
        StringBuilder eleven = new StringBuilder("many IN TXT \"v=spf1");
        StringBuilder providers = new StringBuilder();
        for (int i = 1; i <= 11; i++) {
            eleven.append(" include:p").append(i).append(".spf.test");
            providers.append("p").append(i).append(" IN TXT \"v=spf1 ip4:192.0.2.").append(i).append(" -all\"\n");
        }
        eleven.append(" -all\"\n");
        server = new LocalDnsServer(
                zoneText("spf.test", """
                        good IN TXT "v=spf1 include:provider.spf.test ~all"
                        good IN TXT "google-site-verification=unrelated"
                        provider IN TXT "v=spf1 ip4:192.0.2.0/24 include:inner.spf.test -all"
                        inner IN TXT "v=spf1 ip6:2001:db8::/32 -all"
                        chain IN TXT "v=spf1 redirect=middle.spf.test"
                        middle IN TXT "v=spf1 include:leaf.spf.test a mx -all"
                        middle IN A 192.0.2.50
                        middle IN MX 10 mail.spf.test.
                        leaf IN TXT "v=spf1 exists:%{i}.rbl.spf.test ?all"
                        voids IN TXT "v=spf1 a:nothing1.spf.test mx:nothing2.spf.test exists:nothing3.spf.test ~all"
                        loop1 IN TXT "v=spf1 include:loop2.spf.test -all"
                        loop2 IN TXT "v=spf1 include:loop1.spf.test -all"
                        split IN TXT "v=spf1 " "include:provider.spf.test" " -all"
                        two IN TXT "v=spf1 -all"
                        two IN TXT "v=spf1 include:provider.spf.test -all"
                        open IN TXT "v=spf1 +all"
                        missing IN TXT "v=spf1 include:nowhere.spf.test -all"
                        """ + eleven + providers));
        dns = Dns.at(server.address());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void nested_includes_are_counted_through_every_level() {
        SpfCheck.Result good = SpfCheck.evaluate(dns, "good.spf.test");
        assertThat(good.records()).isEqualTo(1); // the unrelated TXT record is not SPF
        assertThat(good.lookups()).isEqualTo(2);
        assertThat(good.voids()).isZero();
        assertThat(good.errors()).isEmpty();
        assertThat(good.allQualifier()).isEqualTo("~");
        assertThat(good.includes()).containsExactlyInAnyOrder("provider.spf.test", "inner.spf.test");
    }

    @Test
    void a_redirect_counts_and_its_target_decides_all() {
        SpfCheck.Result chain = SpfCheck.evaluate(dns, "chain.spf.test");
        assertThat(chain.lookups()).as("redirect, include, exists, a, mx").isEqualTo(5);
        assertThat(chain.voids()).isZero();
        assertThat(chain.allQualifier()).isEqualTo("-");
    }

    @Test
    void eleven_includes_are_over_the_limit_of_ten() {
        SpfCheck.Result many = SpfCheck.evaluate(dns, "many.spf.test");
        assertThat(many.lookups()).isEqualTo(11).isGreaterThan(SpfCheck.LOOKUP_LIMIT);
    }

    @Test
    void lookups_that_find_nothing_are_void_and_more_than_two_is_over_the_limit() {
        SpfCheck.Result voids = SpfCheck.evaluate(dns, "voids.spf.test");
        assertThat(voids.lookups()).isEqualTo(3);
        assertThat(voids.voids()).isEqualTo(3).isGreaterThan(SpfCheck.VOID_LIMIT);
        SpfCheck.Result missing = SpfCheck.evaluate(dns, "missing.spf.test");
        assertThat(missing.voids()).isEqualTo(1);
        assertThat(missing.errors()).singleElement().asString().contains("nowhere.spf.test has no SPF record");
    }

    @Test
    void an_include_loop_is_found_and_stops() {
        SpfCheck.Result loop = SpfCheck.evaluate(dns, "loop1.spf.test");
        assertThat(loop.errors()).singleElement().asString().contains("loop", "loop1.spf.test -> loop2.spf.test -> loop1.spf.test");
    }

    @Test
    void records_split_into_strings_are_joined_and_two_records_are_counted() {
        assertThat(SpfCheck.evaluate(dns, "split.spf.test").lookups()).isEqualTo(2);
        assertThat(SpfCheck.evaluate(dns, "two.spf.test").records()).isEqualTo(2);
        assertThat(SpfCheck.evaluate(dns, "open.spf.test").allQualifier()).isEqualTo("+");
        assertThat(SpfCheck.evaluate(dns, "nothing.spf.test").records()).isZero();
    }
}
