package dev.launchline.token;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Cryptographically strong randomness without a lock shared by every thread. The JDK's default
 * SecureRandom on Linux (NativePRNG) and UUID.randomUUID serve all threads through one lock
 * around a read of /dev/urandom; referral codes, Message-IDs, request ids and token nonces drew
 * from it on every signup and every email, and once signups no longer queued for their ids, that
 * lock was where request threads waited: 678 waits of 10 ms or more, 40 s in all, in a one-minute
 * closed-loop run (JFR). Each platform thread gets a DRBG of its own (NIST SP 800-90A, seeded
 * from the system's entropy source); virtual threads, which come and go per task, share one.
 */
public final class ThreadRandom {
    private static final SecureRandom SHARED = drbg();
    private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(ThreadRandom::drbg);

    private ThreadRandom() {
    }

    /** This thread's generator: use it on this thread only, do not keep it. */
    public static SecureRandom current() {
        return Thread.currentThread().isVirtual() ? SHARED : PER_THREAD.get();
    }

    /** A random (version 4) UUID, as UUID.randomUUID makes it, from this thread's generator. */
    public static UUID uuid() {
        byte[] bytes = new byte[16];
        current().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(most, least);
    }

    /**
     * {@code length} characters drawn uniformly from {@code alphabet} (at most 256 of them), from
     * one draw of bytes where a draw per character cost a DRBG generation each: ten per referral
     * code, 4 % of the request threads' CPU at 1,000 signups/s (JFR).
     */
    public static String text(String alphabet, int length) {
        int letters = alphabet.length();
        if (letters < 1 || letters > 256) {
            throw new IllegalArgumentException("an alphabet of 1 to 256 characters");
        }
        // a byte at or above this limit would make the first letters likelier: drawn again
        int limit = 256 - 256 % letters;
        StringBuilder text = new StringBuilder(length);
        byte[] bytes = new byte[length + length / 4 + 4];
        while (text.length() < length) {
            current().nextBytes(bytes);
            for (int i = 0; i < bytes.length && text.length() < length; i++) {
                int value = bytes[i] & 0xff;
                if (value < limit) {
                    text.append(alphabet.charAt(value % letters));
                }
            }
        }
        return text.toString();
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException unavailable) {
            return new SecureRandom(); // a JDK without DRBG (none since 9): the default, lock and all
        }
    }
}
