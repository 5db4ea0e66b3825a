package dev.launchline.doctor;

import dev.launchline.support.Runbook;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web side of a launch on loopback for the doctor's tests: one http and one https port for
 * every name, answers by Host and path, and per name (SNI) a certificate made with keytool and
 * signed by a test CA: valid, expiring soon, or for another name.
 */
final class LocalWebServer implements AutoCloseable {
    private static final String PASSWORD = "doctor-test";

    record Answer(int status, Map<String, String> headers, String body) {
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final ServerSocket http;
    private final SSLServerSocket https;
    private final Path caPem;

    /** {@code certificates}: name → "valid", "expiring" (10 days left) or "other-name". */
    LocalWebServer(Path dir, Map<String, String> certificates) throws Exception {
        caPem = dir.resolve("ca.pem");
        KeyStore keys = certificates(dir, certificates);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {new BySni((X509ExtendedKeyManager) factory.getKeyManagers()[0])}, null, null);
        http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        https = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> accept(http));
        Thread.ofPlatform().daemon().start(() -> accept(https));
    }

    Path caPem() {
        return caPem;
    }

    /** Answers GET http(s)://host/path (path without the query). */
    LocalWebServer on(String scheme, String host, String path, Answer answer) {
        answers.put(scheme + "://" + host + path, answer);
        return this;
    }

    /** --connect-to arguments sending both ports of each name here. */
    List<String> connectTo(String... names) {
        List<String> arguments = new ArrayList<>();
        for (String name : names) {
            arguments.add("--connect-to");
            arguments.add(name + ":80:127.0.0.1:" + http.getLocalPort());
            arguments.add("--connect-to");
            arguments.add(name + ":443:127.0.0.1:" + https.getLocalPort());
        }
        return arguments;
    }

    static Answer redirect(int status, String location) {
        return new Answer(status, Map.of("Location", location), "");
    }

    static Answer page(Map<String, String> headers, String body) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "text/html; charset=utf-8");
        return new Answer(200, all, body);
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket, server == https ? "https" : "http"));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, String scheme) {
        try (socket) {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            String request = line(in);
            String host = "";
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase().startsWith("host:")) {
                    host = header.substring(5).trim().toLowerCase();
                }
            }
            String target = request.split(" ")[1];
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            Answer answer = answers.getOrDefault(scheme + "://" + host + path, new Answer(404, Map.of(), "not here"));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + answer.status() + " X\r\n");
            answer.headers().forEach((name, value) -> head.append(name).append(": ")
                    .append(value.replace("{query}", target.contains("?") ? target.substring(target.indexOf('?')) : "")).append("\r\n"));
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
        } catch (IOException | RuntimeException dropped) {
            // a client that went away, or a handshake the doctor refused: nothing to answer
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** A CA, and per name a key and a certificate it signed, all made by keytool. */
    private static KeyStore certificates(Path dir, Map<String, String> certificates) throws Exception {
        // keytool starts a JVM per call: the CA first, then every name's key and certificate at once
        StringBuilder script = new StringBuilder("""
                cd "$DIR"
                kt() { keytool -J-XX:TieredStopAtLevel=1 -storepass "$PW" -keypass "$PW" -storetype PKCS12 "$@"; }
                kt -genkeypair -alias ca -keyalg RSA -keysize 2048 -dname "CN=Doctor Test CA" -ext bc:c -validity 3650 -keystore ca.p12
                kt -exportcert -alias ca -keystore ca.p12 -rfc -file ca.pem
                """);
        for (Map.Entry<String, String> certificate : certificates.entrySet()) {
            String name = certificate.getKey();
            String san = certificate.getValue().equals("other-name") ? "other.invalid" : name;
            String validity = certificate.getValue().equals("expiring") ? "-startdate -80d -validity 90" : "-validity 90";
            script.append("( kt -importcert -noprompt -alias ca -file ca.pem -keystore ").append(name).append(".p12\n")
                    .append("  kt -genkeypair -alias ").append(name).append(" -keyalg RSA -keysize 2048 -dname CN=").append(san)
                    .append(" -keystore ").append(name).append(".p12\n")
                    .append("  kt -certreq -alias ").append(name).append(" -keystore ").append(name).append(".p12 -file ")
                    .append(name).append(".csr\n")
                    .append("  kt -gencert -alias ca -keystore ca.p12 -infile ").append(name).append(".csr -outfile ").append(name)
                    .append(".pem -rfc -ext SAN=dns:").append(san).append(' ').append(validity).append('\n')
                    .append("  kt -importcert -noprompt -alias ").append(name).append(" -file ").append(name)
                    .append(".pem -keystore ").append(name).append(".p12 ) &\n");
        }
        script.append("wait\n");
        Runbook.bashOk(script.toString(), Map.of("DIR", dir.toString(), "PW", PASSWORD,
                "PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH")), Duration.ofMinutes(2));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (String name : certificates.keySet()) {
            KeyStore one = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
                one.load(in, PASSWORD.toCharArray());
            }
            store.setEntry(name, one.getEntry(name, new KeyStore.PasswordProtection(PASSWORD.toCharArray())),
                    new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
        }
        return store;
    }

    /** Picks the key whose alias is the name the client asked for (SNI). */
    private static final class BySni extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        BySni(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            if (socket instanceof SSLSocket ssl && ssl.getHandshakeSession() instanceof ExtendedSSLSession session) {
                for (SNIServerName name : session.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host && keys.getPrivateKey(host.getAsciiName()) != null) {
                        return host.getAsciiName();
                    }
                }
            }
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
        https.close();
    }
}
