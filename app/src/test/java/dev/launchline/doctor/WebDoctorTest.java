package dev.launchline.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.launchline.doctor.LocalWebServer.page;
import static dev.launchline.doctor.LocalWebServer.redirect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor's web checks end to end: real HTTP and TLS servers on loopback, reached for public
 * names through --connect-to, with certificates of a test CA (--ca-file): a launch done right,
 * the seeds' worst case, and a redirect loop.
 */
class WebDoctorTest {
    private static final Map<String, String> GOOD_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "strict-origin-when-cross-origin",
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    @TempDir
    static Path dir;
    private static LocalWebServer web;

    @BeforeAll
    static void serveTheSites() throws Exception {
        web = new LocalWebServer(dir, Map.of("rocket.example", "valid", "www.rocket.example", "valid",
                "api.rocket.example", "valid", "launch.example", "expiring", "www.launch.example", "other-name",
                "loop.example", "valid", "www.loop.example", "valid", "two.example", "valid", "www.two.example", "valid"));
        // done right: http -> https on the apex, www -> apex, query kept, headers, HSTS
        web.on("http", "rocket.example", "/", redirect(301, "https://rocket.example/{query}"))
                .on("https", "www.rocket.example", "/", redirect(301, "https://rocket.example/{query}"))
                .on("https", "rocket.example", "/", page(GOOD_HEADERS, "<html><script src=\"/app.js\"></script></html>"))
                .on("https", "rocket.example", "/app.js", page(GOOD_HEADERS, "const site = 'pk_live_is_fine_in_the_open';"))
                .on("https", "api.rocket.example", "/readyz", page(Map.of("X-Content-Type-Options", "nosniff",
                        "X-Frame-Options", "DENY"), "{\"status\":\"ready\"}"));
        // the worst case: http served as is, www drops the query, no HSTS, no CSP, a secret in a script
        String stripeKey = "sk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"; // assembled: no secret-shaped literal in the repository
        web.on("http", "launch.example", "/", page(Map.of(), "<html>plain</html>"))
                .on("https", "www.launch.example", "/", redirect(302, "https://launch.example/"))
                .on("https", "launch.example", "/", page(Map.of("Server", "nginx/1.18.0"),
                        "<html><script src=\"/app.js\"></script></html>"))
                .on("https", "launch.example", "/app.js", page(Map.of(), "const stripe = '" + stripeKey + "';"));
        // two canonical hosts: both serve the page
        web.on("http", "two.example", "/", redirect(301, "https://two.example/{query}"))
                .on("https", "two.example", "/", page(GOOD_HEADERS, "<html>one</html>"))
                .on("https", "www.two.example", "/", page(GOOD_HEADERS, "<html>the same</html>"));
        // a loop between the apex and www
        web.on("http", "loop.example", "/", redirect(301, "https://loop.example/{query}"))
                .on("https", "loop.example", "/", redirect(301, "https://www.loop.example/{query}"))
                .on("https", "www.loop.example", "/", redirect(301, "https://loop.example/{query}"));
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
    }

    @Test
    void a_launch_done_right_passes_every_web_check() {
        Run run = doctor("--domain", "rocket.example", "--api", "api.rocket.example");
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("0 blocker(s), 0 warning(s)",
                "http://rocket.example goes to https on the same host",
                "www.rocket.example -> rocket.example in 1 hop(s), permanent",
                "the certificate of rocket.example is valid", "rocket.example refuses TLS 1.0 and 1.1", "HSTS for a year or more, subdomains included",
                "rocket.example (landing page) sends the security headers", "no credential in the landing page or its scripts");
    }

    @Test
    void the_worst_case_finds_each_web_problem() throws Exception {
        Run run = doctor("--domain", "launch.example", "--format", "json");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        List<String> found = new ArrayList<>();
        for (JsonNode finding : new ObjectMapper().readTree(run.out()).get("findings")) {
            found.add(finding.get("severity").asText() + " " + finding.get("check").asText() + ": " + finding.get("title").asText());
        }
        assertThat(found).contains(
                "blocker redirects.https: http://launch.example is not redirected to https",
                "blocker redirects.query: https://www.launch.example drops the query string (?ref=...)",
                "blocker tls.expiry: the certificate of launch.example expires in 9 days",
                "blocker tls.certificate: the certificate of www.launch.example is not valid",
                "blocker frontend.secrets: a credential is visible in the frontend",
                "warning tls.hsts: no HSTS on launch.example",
                "warning redirects.canonical: www.launch.example redirects temporarily",
                "warning headers.server: launch.example (landing page) names its software version");
        assertThat(found).anyMatch(line -> line.startsWith("warning headers.security: launch.example (landing page) lacks Content-Security-Policy"));
        assertThat(run.out()).as("the secret itself is never printed").doesNotContain("4eC39HqLyjWDarjtT1zdp7dc");
    }

    @Test
    void two_hosts_serving_the_site_is_a_warning() {
        Run run = doctor("--domain", "two.example");
        assertThat(run.out()).contains("WARNING  redirects.canonical", "both two.example and www.two.example serve the site");
    }

    @Test
    void a_redirect_loop_is_a_blocker() {
        Run run = doctor("--domain", "loop.example");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("redirects.loop", "redirects in a loop");
    }

    @Test
    void the_service_own_secret_values_are_looked_for_when_its_env_file_is_given() throws Exception {
        Path envFile = Files.writeString(dir.resolve("service.env"), "ORIGIN_LOCK_SECRET=pk_live_is_fine_in_the_open\n");
        Run run = doctor("--domain", "rocket.example", "--api", "api.rocket.example", "--env-file", envFile.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("/app.js: the value of one of the service's own secrets")
                .doesNotContain("pk_live_is_fine_in_the_open");
    }

    private record Run(int exitCode, String out) {
    }

    private static Run doctor(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--checks", "web", "--ca-file", web.caPem().toString()));
        String domain = all.get(all.indexOf("--domain") + 1);
        all.addAll(web.connectTo(domain, "www." + domain, "api." + domain));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DoctorCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        System.out.println(out.toString(StandardCharsets.UTF_8)); // the report, in the test's output file
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }
}
