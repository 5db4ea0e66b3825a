package dev.launchline.doctor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS minimum-version probe against OpenSSL's own server: one still configured for TLS 1.0
 * and 1.1 (as old load balancers and some shared hosts are), one with OpenSSL's defaults
 * (TLS 1.2 and up). The JDK cannot play the old server: it refuses TLS 1.0/1.1 on both sides.
 */
class LegacyTlsTest {
    @TempDir
    static Path dir;
    private static Process legacy;
    private static Process modern;
    private static int legacyPort;
    private static int modernPort;

    @BeforeAll
    static void startOpenSslServers() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=old.example",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
        legacyPort = freePort();
        legacy = server(legacyPort, "-cipher", "DEFAULT@SECLEVEL=0", "-min_protocol", "TLSv1");
        modernPort = freePort();
        modern = server(modernPort);
    }

    @AfterAll
    static void stop() {
        legacy.destroy();
        modern.destroy();
    }

    @Test
    void a_server_that_still_accepts_tls_1_1_is_caught() {
        HttpProbe probe = new HttpProbe(Map.of("old.example:443", new InetSocketAddress("127.0.0.1", legacyPort)), Optional.empty());
        assertThat(probe.legacyTlsAccepted("old.example")).contains("TLSv1.1");
    }

    @Test
    void a_server_with_tls_1_2_as_its_minimum_refuses_the_old_hello() {
        HttpProbe probe = new HttpProbe(Map.of("new.example:443", new InetSocketAddress("127.0.0.1", modernPort)), Optional.empty());
        assertThat(probe.legacyTlsAccepted("new.example")).isEmpty();
    }

    @Test
    void the_doctor_reports_it_as_a_warning_with_its_terraform_fix() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DoctorCommand.run(List.of("--domain", "old.example", "--checks", "web",
                        "--connect-to", "old.example:443:127.0.0.1:" + legacyPort,
                        "--connect-to", "www.old.example:443:127.0.0.1:" + modernPort,
                        "--connect-to", "old.example:80:127.0.0.1:" + freePort()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(report).as(report).contains("WARNING  tls.minimum", "old.example still accepts TLSv1.1", "min_tls_version = 1.2",
                "www.old.example refuses TLS 1.0 and 1.1");
    }

    private static Process server(int port, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-www",
                "-cert", dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("ACCEPT")) {
                Thread.ofVirtual().start(() -> lines.lines().forEach(ignored -> { })); // keep its pipe drained
                return process;
            }
        }
        throw new IllegalStateException("openssl s_server did not start: exit " + process.exitValue());
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
