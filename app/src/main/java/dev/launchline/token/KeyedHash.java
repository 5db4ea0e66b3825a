package dev.launchline.token;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * HMAC-SHA256 under one key, with a label that keeps each use of the key apart from every other,
 * e.g. {@code new KeyedHash(key, "client-network:")}. One keyed Mac per thread, reset by every
 * doFinal: {@code Mac.getInstance} and {@code init} looked up the provider and expanded the key on
 * every call, most of the consent record's address hash, 5 % of the request threads' CPU samples
 * (JFR, wrk at 1,000 signups/s); the referral network hash already kept one per thread.
 */
public final class KeyedHash {
    private final String label;
    private final ThreadLocal<Mac> macs;

    public KeyedHash(byte[] key, String label) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        this.label = label;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException impossible) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", impossible);
            }
        });
    }

    /** 64 lowercase hex characters: HMAC(key, label + value), value as US-ASCII. */
    public String hex(String value) {
        return HexFormat.of().formatHex(macs.get().doFinal((label + value).getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The first 64 bits of HMAC(key, label + value), value as UTF-8: a fingerprint that stands for
     * the value in a table of numbers, where no one who lacks the key can make two values collide.
     */
    public long bits64(String value) {
        return ByteBuffer.wrap(macs.get().doFinal((label + value).getBytes(StandardCharsets.UTF_8))).getLong();
    }
}
