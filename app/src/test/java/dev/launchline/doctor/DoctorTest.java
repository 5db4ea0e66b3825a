package dev.launchline.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.launchline.doctor.LocalDnsServer.zoneText;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor end to end against a real DNS server on loopback, with the two fixtures: a launch
 * done right, and the seeds' worst case (two SPF records and twelve lookups, no DMARC, the origin's
 * address on an unproxied www and under the MX, no CAA, a 1024-bit DKIM key).
 */
class DoctorTest {
    private static LocalDnsServer server;

    @BeforeAll
    static void serveTheZones() throws Exception {
        // one TXT record in several strings (each at most 255 characters), joined by receivers
        StringBuilder twelve = new StringBuilder("@ IN TXT \"v=spf1\"");
        StringBuilder providers = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            twelve.append(" \" include:p").append(i).append(".mailprovider.test\"");
            providers.append("p").append(i).append(" IN TXT \"v=spf1 ip4:198.51.100.").append(i).append(" -all\"\n");
        }
        twelve.append(" \" ~all\"\n");
        server = new LocalDnsServer(
                zoneText("rocket.example", """
                        @ IN A 104.16.1.1
                        www IN A 104.16.1.1
                        api IN A 104.16.1.2
                        @ IN MX 10 inbound.mailhost.test.
                        @ IN TXT "v=spf1 include:spf.mailprovider.test ~all"
                        @ IN CAA 0 issue "letsencrypt.org"
                        _dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@rocket.example"
                        _mta-sts IN TXT "v=STSv1; id=20261204"
                        """ + "s1._domainkey IN TXT " + dkim(2048) + "\n"),
                zoneText("launch.example", """
                        @ IN A 104.16.1.1
                        www IN A 203.0.113.10
                        @ IN MX 10 mail.launch.example.
                        mail IN A 203.0.113.10
                        @ IN TXT "v=spf1 -all"
                        """ + twelve + "s1._domainkey IN TXT " + dkim(1024) + "\n"),
                zoneText("mailprovider.test", "spf IN TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n" + providers),
                zoneText("mailhost.test", "inbound IN A 198.51.100.25\n"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_launch_done_right_has_no_blocker_and_no_warning() {
        Run run = doctor("--domain", "rocket.example", "--api", "https://api.rocket.example", "--origin", "203.0.113.10",
                "--dkim-selector", "s1", "--spf-include", "spf.mailprovider.test", "--mail-from", "Rocket <hello@rocket.example>");
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).startsWith("launch doctor: rocket.example: 0 blocker(s), 0 warning(s), ")
                .contains("SPF lookups within the limit", "2048-bit RSA", "DMARC policy p=quarantine", "MTA-STS published",
                        "rocket.example is proxied by Cloudflare", "no record the doctor knows of points at the origin");
    }

    @Test
    void the_worst_case_ranks_every_problem_and_exits_1() throws Exception {
        Run run = doctor("--domain", "launch.example", "--origin", "203.0.113.10", "--dkim-selector", "s1",
                "--spf-include", "spf.mailprovider.test", "--format", "json");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(run.out());
        List<String> blockers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (JsonNode finding : report.get("findings")) {
            String line = finding.get("check").asText() + ": " + finding.get("title").asText();
            switch (finding.get("severity").asText()) {
                case "blocker" -> blockers.add(line);
                case "warning" -> warnings.add(line);
                default -> { }
            }
        }
        assertThat(blockers).contains(
                "email.spf: 2 SPF records at launch.example",
                "email.spf.lookups: SPF needs 12 DNS lookups (limit 10)",
                "email.spf.provider: SPF does not include the mail provider",
                "email.dmarc: no DMARC record",
                "dns.proxied: www.launch.example is not proxied: it publishes the origin's address",
                "dns.origin-exposure: the MX host mail.launch.example resolves to the web server's address");
        assertThat(warnings).contains("dns.caa: no CAA record", "email.dkim: DKIM key at s1 is 1024-bit");
        assertThat(report.get("findings").get(0).get("severity").asText()).as("blockers first").isEqualTo("blocker");
        assertThat(report.get("blockers").asInt()).isEqualTo(blockers.size());
    }

    @Test
    void the_markdown_report_is_a_table_a_founder_can_hand_over() {
        Run run = doctor("--domain", "launch.example", "--origin", "203.0.113.10", "--dkim-selector", "s1",
                "--spf-include", "spf.mailprovider.test", "--format", "markdown");
        java.nio.file.Path report = java.nio.file.Path.of("target", "doctor-worst-case.md");
        Run text = doctor("--domain", "launch.example", "--origin", "203.0.113.10", "--dkim-selector", "s1",
                "--spf-include", "spf.mailprovider.test");
        try { // kept for docs/launch-doctor.md and the README, as the dashboard test keeps its screenshot
            java.nio.file.Files.writeString(report, run.out());
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "doctor-worst-case.txt"), text.out());
        } catch (java.io.IOException unwritable) {
            throw new java.io.UncheckedIOException(unwritable);
        }
        assertThat(run.out()).startsWith("# Launch doctor: launch.example\n")
                .contains("| severity | check | finding | evidence | why it matters | fix |",
                        "| blocker | `email.dmarc` | no DMARC record |", "dmarc_policy");
    }

    @Test
    void an_unreachable_resolver_is_a_blocker_not_a_pass_and_usage_errors_exit_64() {
        Run unreachable = doctor("--domain", "rocket.example", "--resolver", "127.0.0.1:9");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.out()).contains("could not be checked");
        assertThat(doctor("--api", "api.rocket.example").exitCode()).isEqualTo(64);
        assertThat(doctor("--domain", "not a domain").exitCode()).isEqualTo(64);
        assertThat(doctor("--domain", "rocket.example", "--format", "pdf").exitCode()).isEqualTo(64);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run doctor(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--checks")) { // this test covers DNS and email; WebDoctorTest the web
            all.add("--checks");
            all.add("dns,email");
        }
        if (!all.contains("--resolver")) {
            all.add("--resolver");
            all.add(server.hostPort());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DoctorCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A DKIM TXT record with a fresh RSA key of that size, split into strings of at most 200 characters. */
    private static String dkim(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        String key = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        String record = "v=DKIM1; k=rsa; p=" + key;
        StringBuilder strings = new StringBuilder();
        for (int i = 0; i < record.length(); i += 200) {
            strings.append('"').append(record, i, Math.min(record.length(), i + 200)).append("\" ");
        }
        return strings.toString().trim();
    }
}
