package dev.launchline.doctor;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 GET as a browser would send it, without following redirects, so that every hop,
 * header and certificate can be looked at. Plain sockets rather than an HTTP client: the doctor
 * must see the TLS handshake itself (protocol, the certificate even when it is invalid), and
 * --connect-to sends the connection for a public name to another address while SNI and Host keep
 * the name, as curl's option of that name does.
 */
final class HttpProbe {
    private static final int BODY_LIMIT = 512 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** patient: a service that just lost its database takes its pool's 5 s to say so */
    private static final int READ_TIMEOUT_MS = 15_000;

    /** The TLS side of a request: what was negotiated, the server's certificate, and whether it was trusted. */
    record Tls(String protocol, X509Certificate certificate, Optional<String> untrusted) {
    }

    record Response(int status, Map<String, List<String>> headers, String body, Optional<Tls> tls) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /** The request could not be made: DNS, refused, timed out, a handshake that failed outright. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, InetSocketAddress> connectTo;
    private final SSLContext trusting;
    private final SSLContext anyCertificate;

    HttpProbe(Map<String, InetSocketAddress> connectTo, Optional<Path> extraCa) {
        this.connectTo = Map.copyOf(connectTo);
        this.trusting = context(trustManagers(extraCa));
        this.anyCertificate = context(new TrustManager[] {new AnyCertificate()});
    }

    Response get(URI uri) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        InetSocketAddress address = connectTo.getOrDefault(host + ":" + port, new InetSocketAddress(host, port));
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        if (!https) {
            try (Socket socket = connect(address)) {
                return exchange(socket, host, path, Optional.empty());
            } catch (IOException failed) {
                throw new Unreachable(uri + ": " + failed.getMessage());
            }
        }
        Optional<String> untrusted = Optional.empty();
        try (SSLSocket socket = handshake(trusting, address, host, true)) {
            return exchange(socket, host, path, Optional.of(new Tls(socket.getSession().getProtocol(),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0], untrusted)));
        } catch (SSLException refused) {
            untrusted = Optional.of(refused.getMessage());
        } catch (IOException failed) {
            throw new Unreachable(uri + ": " + failed.getMessage());
        }
        // not trusted: look again without checking, to say what the certificate is
        try (SSLSocket socket = handshake(anyCertificate, address, host, false)) {
            return exchange(socket, host, path, Optional.of(new Tls(socket.getSession().getProtocol(),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0], untrusted)));
        } catch (IOException failed) {
            throw new Unreachable(uri + ": " + failed.getMessage());
        }
    }

    /**
     * Whether https://host still accepts TLS 1.0 or 1.1 (see {@link LegacyTlsHello}): the protocol
     * it agreed to, or empty when it refused them as it should.
     */
    Optional<String> legacyTlsAccepted(String host) {
        InetSocketAddress address = connectTo.getOrDefault(host + ":443", new InetSocketAddress(host, 443));
        try (Socket socket = connect(address)) {
            return LegacyTlsHello.acceptedBy(socket, host);
        } catch (IOException failed) {
            throw new Unreachable("https://" + host + ": " + failed.getMessage());
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address, CONNECT_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static SSLSocket handshake(SSLContext context, InetSocketAddress address, String host, boolean verifyName)
            throws IOException {
        Socket plain = connect(address);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, address.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        if (verifyName) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static Response exchange(Socket socket, String host, String path, Optional<Tls> tls) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: launchline-doctor\r\n"
                + "Accept: text/html,*/*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                        .add(header.substring(colon + 1).trim());
            }
        }
        boolean chunked = headers.getOrDefault("transfer-encoding", List.of()).stream()
                .anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("chunked"));
        String body = new String(chunked ? chunkedBody(in) : limited(in, BODY_LIMIT), StandardCharsets.UTF_8);
        return new Response(Integer.parseInt(parts[1]), headers, body, tls);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > 16_384) {
                throw new IOException("header line too long");
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] chunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < BODY_LIMIT) {
            String size = line(in).split(";")[0].trim();
            if (size.isEmpty()) {
                break;
            }
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            body.write(in.readNBytes(length));
            line(in);
        }
        return body.toByteArray();
    }

    private static byte[] limited(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

    private static SSLContext context(TrustManager[] trustManagers) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers, null);
            return context;
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The JDK's trusted CAs, plus the certificates of --ca-file (a staging environment's own CA). */
    private static TrustManager[] trustManagers(Optional<Path> extraCa) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            if (extraCa.isEmpty()) {
                return system.getTrustManagers();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            X509TrustManager defaults = (X509TrustManager) system.getTrustManagers()[0];
            int i = 0;
            for (X509Certificate ca : defaults.getAcceptedIssuers()) {
                store.setCertificateEntry("system-" + i++, ca);
            }
            try (InputStream pem = Files.newInputStream(extraCa.get())) {
                for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                    store.setCertificateEntry("extra-" + i++, ca);
                }
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined.getTrustManagers();
        } catch (Exception unreadable) {
            throw new IllegalArgumentException("--ca-file: " + unreadable.getMessage());
        }
    }

    /** Only for the second look at a certificate already found untrusted: never for a verdict. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
