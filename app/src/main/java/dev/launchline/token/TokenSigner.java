package dev.launchline.token;

import dev.launchline.config.Secret;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Tokens for the links in emails and for forms: sealed, so that they reveal nothing.
 *
 * <p>A token is base64url of: version byte 2, a random 12-byte nonce, and the AES-256-GCM
 * encryption of (subject id, expiry epoch second or 0 = never), with the purpose as associated
 * data (a status token is no confirmation token). The AES key is derived from the signing key
 * (HMAC-SHA256 of a fixed label). Before, a token was {@code payload.mac} with a readable payload
 * "c:1234:0": the sequential signup id in every link told any visitor roughly how many people had
 * signed up, a number founders often keep private (issue 18).
 *
 * <p>Tokens verify against the current key and, during a rotation, the previous one, so links
 * already in inboxes keep working while the key changes. Links issued before sealing (they
 * contain a '.') still verify the old way, under the same keys.
 */
public final class TokenSigner {

    public enum Purpose {
        CONFIRM("c"), STATUS("s"), UNSUBSCRIBE("u"),
        /** In an invite email: the subject is the signup id; the product it leads to may check it. */
        INVITE("i"),
        /** Issued with a form; the subject is the issue time in epoch milliseconds (bot defence). */
        FORM("f");

        private final String code;

        Purpose(String code) {
            this.code = code;
        }
    }

    /** Why a token was refused: the two map to different HTTP answers. */
    public static final class InvalidTokenException extends RuntimeException {
        private final boolean expired;

        InvalidTokenException(boolean expired) {
            super(expired ? "token expired" : "token invalid");
            this.expired = expired;
        }

        public boolean expired() {
            return expired;
        }
    }

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAX_TOKEN_LENGTH = 200;
    private static final byte SEALED = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] ENCRYPTION_KEY_LABEL = "launchline token encryption v2".getBytes(StandardCharsets.US_ASCII);

    private final List<SecretKeySpec> keys;
    private final List<SecretKeySpec> encryptionKeys;
    private final Clock clock;

    public TokenSigner(Secret currentKey, Optional<Secret> previousKey, Clock clock) {
        List<SecretKeySpec> list = new ArrayList<>();
        list.add(new SecretKeySpec(currentKey.revealBytes(), "HmacSHA256"));
        previousKey.ifPresent(key -> list.add(new SecretKeySpec(key.revealBytes(), "HmacSHA256")));
        this.keys = List.copyOf(list);
        this.encryptionKeys = keys.stream().map(key -> new SecretKeySpec(mac(key, ENCRYPTION_KEY_LABEL), "AES")).toList();
        this.clock = clock;
    }

    public String issue(Purpose purpose, long subjectId, Optional<Instant> expiresAt) {
        long expires = expiresAt.map(Instant::getEpochSecond).orElse(0L);
        byte[] nonce = new byte[NONCE_BYTES];
        ThreadRandom.current().nextBytes(nonce);
        byte[] sealed = seal(cipher(Cipher.ENCRYPT_MODE, encryptionKeys.get(0), nonce, purpose),
                ByteBuffer.allocate(16).putLong(subjectId).putLong(expires).array());
        return ENCODER.encodeToString(ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                .put(SEALED).put(nonce).put(sealed).array());
    }

    /** The subject id of a valid, unexpired token of this purpose; otherwise InvalidTokenException. */
    public long verify(Purpose purpose, String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException(false);
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return verifySealed(purpose, token);
        }
        return verifySigned(purpose, token, dot);
    }

    private long verifySealed(Purpose purpose, String token) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(token);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidTokenException(false);
        }
        if (bytes.length != 1 + NONCE_BYTES + 16 + TAG_BITS / 8 || bytes[0] != SEALED) {
            throw new InvalidTokenException(false);
        }
        byte[] nonce = Arrays.copyOfRange(bytes, 1, 1 + NONCE_BYTES);
        for (SecretKeySpec key : encryptionKeys) {
            Optional<byte[]> opened = open(cipher(Cipher.DECRYPT_MODE, key, nonce, purpose), bytes, 1 + NONCE_BYTES);
            if (opened.isPresent()) {
                ByteBuffer fields = ByteBuffer.wrap(opened.get());
                long subjectId = fields.getLong();
                long expires = fields.getLong();
                if (expires != 0 && clock.instant().getEpochSecond() > expires) {
                    throw new InvalidTokenException(true);
                }
                return subjectId;
            }
        }
        throw new InvalidTokenException(false); // sealed by no key of ours, for another purpose, or altered
    }

    /*
     * One Cipher per thread, initialised afresh (key, nonce, mode) for every token: getInstance looked
     * up the provider each time: a third of issuing a confirmation's three tokens, a sixth of
     * rendering it (JFR, wrk at 1,000 signups/s). A Cipher is not thread-safe; doFinal ends its use.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("AES-GCM unavailable", impossible);
        }
    });

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce, Purpose purpose) {
        try {
            Cipher gcm = CIPHERS.get();
            gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(purpose.code.getBytes(StandardCharsets.US_ASCII));
            return gcm;
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("AES-GCM unavailable", impossible);
        }
    }

    private static byte[] seal(Cipher gcm, byte[] plain) {
        try {
            return gcm.doFinal(plain);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("AES-GCM failed", impossible);
        }
    }

    private static Optional<byte[]> open(Cipher gcm, byte[] bytes, int offset) {
        try {
            return Optional.of(gcm.doFinal(bytes, offset, bytes.length - offset));
        } catch (AEADBadTagException notOurs) {
            return Optional.empty();
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("AES-GCM failed", impossible);
        }
    }

    /** The format issued before tokens were sealed: base64url("purpose:subjectId:expires") "." base64url(HMAC). */
    private long verifySigned(Purpose purpose, String token, int dot) {
        byte[] payload;
        byte[] mac;
        try {
            payload = DECODER.decode(token.substring(0, Math.max(dot, 0)));
            mac = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidTokenException(false);
        }
        if (dot <= 0 || !signedByAnyKey(payload, mac)) {
            throw new InvalidTokenException(false);
        }
        String[] parts = new String(payload, StandardCharsets.US_ASCII).split(":");
        if (parts.length != 3 || !parts[0].equals(purpose.code)) {
            throw new InvalidTokenException(false);
        }
        // signed by us but not of our making (a key leaked, or a format from a future release):
        // still bad input, never a 500
        long expires = number(parts[2]);
        if (expires != 0 && clock.instant().getEpochSecond() > expires) {
            throw new InvalidTokenException(true);
        }
        return number(parts[1]);
    }

    private static long number(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException notANumber) {
            throw new InvalidTokenException(false);
        }
    }

    private boolean signedByAnyKey(byte[] payload, byte[] mac) {
        boolean valid = false;
        for (SecretKeySpec key : keys) {
            valid |= MessageDigest.isEqual(mac(key, payload), mac); // constant time, every key tried
        }
        return valid;
    }

    private static byte[] mac(SecretKeySpec key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("HmacSHA256 unavailable", impossible);
        }
    }
}
