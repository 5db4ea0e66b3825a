package dev.launchline.token;

import dev.launchline.config.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Signed tokens for the links in emails: {@code payload.mac}, base64url, where the payload is
 * "purpose:subjectId:expiresEpochSecond" (0 = never) and the mac is HMAC-SHA256 over it.
 * Tokens verify against the current key and, during a rotation, the previous one, so links
 * already in inboxes keep working while the key changes.
 */
public final class TokenSigner {

    public enum Purpose {
        CONFIRM("c"), STATUS("s"), UNSUBSCRIBE("u"),
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

    private final List<SecretKeySpec> keys;
    private final Clock clock;

    public TokenSigner(Secret currentKey, Optional<Secret> previousKey, Clock clock) {
        List<SecretKeySpec> list = new ArrayList<>();
        list.add(new SecretKeySpec(currentKey.revealBytes(), "HmacSHA256"));
        previousKey.ifPresent(key -> list.add(new SecretKeySpec(key.revealBytes(), "HmacSHA256")));
        this.keys = List.copyOf(list);
        this.clock = clock;
    }

    public String issue(Purpose purpose, long subjectId, Optional<Instant> expiresAt) {
        long expires = expiresAt.map(Instant::getEpochSecond).orElse(0L);
        byte[] payload = (purpose.code + ":" + subjectId + ":" + expires).getBytes(StandardCharsets.US_ASCII);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(keys.get(0), payload));
    }

    /** The subject id of a valid, unexpired token of this purpose; otherwise InvalidTokenException. */
    public long verify(Purpose purpose, String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException(false);
        }
        int dot = token.indexOf('.');
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
