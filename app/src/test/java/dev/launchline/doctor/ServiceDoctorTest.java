package dev.launchline.doctor;

import dev.launchline.Main;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.support.TcpProxy;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
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

import static org.assertj.core.api.Assertions.assertThat;

/** The doctor's service checks against the real service over HTTP: ready, its release, the origin lock, the funnel smoke. */
class ServiceDoctorTest {

    @Test
    void a_ready_service_passes_and_the_opt_in_smoke_goes_through_the_funnel(@TempDir Path dir) throws Exception {
        try (TestStack stack = TestStack.start()) {
            Path token = Files.writeString(dir.resolve("token"), issueToken(stack) + "\n");
            Run run = doctor("--api", stack.http().base(), "--smoke", "--waitlist", "launch",
                    "--smoke-email-domain", "smoke.rocket.test", "--admin-token-file", token.toString());
            assertThat(run.exitCode()).as(run.out()).isZero();
            assertThat(run.out()).contains("the service is ready", "the service names its release",
                    "a test signup was stored and its confirmation accepted by SMTP");
        }
    }

    @Test
    void an_origin_that_answers_around_the_edge_is_a_blocker_and_a_locked_one_passes() {
        try (TestStack open = TestStack.start()) {
            Run run = doctor("--api", open.http().base(), "--origin", "127.0.0.1");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("BLOCKER  service.origin-lock", "the origin answers requests that bypass the edge");
        }
        try (TestStack locked = TestStack.start(Map.of("ORIGIN_LOCK_SECRET", "Zr4Wq8Lm1Xn6Tb9Vc2Hd5Jp7Ks3Yf0Ua"))) {
            Run run = doctor("--api", locked.http().base(), "--origin", "127.0.0.1");
            assertThat(run.exitCode()).as(run.out()).isZero();
            assertThat(run.out()).contains("the origin refuses requests that bypass the edge");
        }
    }

    @Test
    void a_service_without_its_database_is_not_ready() throws Exception {
        String database = TestDatabases.fresh();
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(database);
             TestStack stack = TestStack.start(Map.of("DATABASE_URL", proxy.jdbcUrl(database)))) {
            proxy.cut();
            Run run = doctor("--api", stack.http().base());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("BLOCKER  service.readyz", "the service is not ready (HTTP 503)");
        }
    }

    private record Run(int exitCode, String out) {
    }

    private static Run doctor(String... args) {
        List<String> all = new ArrayList<>(List.of("--domain", "rocket.example", "--checks", "service"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DoctorCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        System.out.println(out.toString(StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    private static String issueToken(TestStack stack) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.adminToken(new String[]{"admin-token", "create", "--name", "doctor-smoke", "--scope", "write"},
                new EnvironmentVariables(stack.env()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    }
}
