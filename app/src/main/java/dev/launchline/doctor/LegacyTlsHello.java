package dev.launchline.doctor;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Asks a server whether it would still speak TLS 1.0 or 1.1, the way testssl.sh and sslyze do: one
 * ClientHello that offers at most TLS 1.1 with the cipher suites of that era, and a look at the
 * first record that comes back. A ServerHello means the server accepts the old protocol; an alert
 * or a closed connection means it refuses. Written out by hand because the JDK (like every
 * maintained TLS library) refuses to send such a hello at all: no handshake is completed, nothing
 * is encrypted, and the connection is closed after the answer.
 */
final class LegacyTlsHello {
    private static final int TLS_1_0 = 0x0301;
    private static final int TLS_1_1 = 0x0302;
    private static final int[] CIPHER_SUITES = {
        0xC013, 0xC014, 0xC009, 0xC00A, // ECDHE with AES-CBC-SHA
        0x0033, 0x0039,                 // DHE-RSA with AES-CBC-SHA
        0x002F, 0x0035, 0x000A,         // RSA with AES-CBC-SHA, 3DES
        0x00FF,                         // renegotiation SCSV
    };
    private static final SecureRandom RANDOM = new SecureRandom();

    private LegacyTlsHello() {
    }

    /** The old protocol the server agreed to ("TLSv1.1" or "TLSv1"), or empty when it refused both. */
    static Optional<String> acceptedBy(Socket socket, String serverName) throws IOException {
        socket.getOutputStream().write(clientHello(serverName));
        socket.getOutputStream().flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            int contentType = in.readUnsignedByte();
            in.readUnsignedShort(); // record version: not the negotiated one
            int length = in.readUnsignedShort();
            if (contentType != 0x16 || length < 6) {
                return Optional.empty(); // 0x15: an alert (protocol_version, handshake_failure)
            }
            int handshakeType = in.readUnsignedByte();
            in.skipNBytes(3);
            int version = in.readUnsignedShort();
            if (handshakeType != 0x02) {
                return Optional.empty();
            }
            return switch (version) {
                case TLS_1_1 -> Optional.of("TLSv1.1");
                case TLS_1_0 -> Optional.of("TLSv1");
                default -> Optional.empty();
            };
        } catch (EOFException closed) {
            return Optional.empty();
        }
    }

    static byte[] clientHello(String serverName) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        putShort(body, TLS_1_1);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        putShort(body, CIPHER_SUITES.length * 2);
        for (int suite : CIPHER_SUITES) {
            putShort(body, suite);
        }
        body.write(1);
        body.write(0); // no compression
        byte[] extensions = extensions(serverName);
        putShort(body, extensions.length);
        body.writeBytes(extensions);

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(0x01); // ClientHello
        putLength24(handshake, body.size());
        handshake.writeBytes(body.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16); // handshake
        putShort(record, TLS_1_0);
        putShort(record, handshake.size());
        record.writeBytes(handshake.toByteArray());
        return record.toByteArray();
    }

    private static byte[] extensions(String serverName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
        putShort(out, 0x0000); // server_name
        putShort(out, name.length + 5);
        putShort(out, name.length + 3);
        out.write(0); // host_name
        putShort(out, name.length);
        out.writeBytes(name);
        putShort(out, 0x000A); // supported_groups: x25519, secp256r1, secp384r1
        putShort(out, 8);
        putShort(out, 6);
        putShort(out, 0x001D);
        putShort(out, 0x0017);
        putShort(out, 0x0018);
        putShort(out, 0x000B); // ec_point_formats: uncompressed
        putShort(out, 2);
        out.write(1);
        out.write(0);
        return out.toByteArray();
    }

    private static void putShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8 & 0xFF);
        out.write(value & 0xFF);
    }

    private static void putLength24(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16 & 0xFF);
        putShort(out, value & 0xFFFF);
    }
}
