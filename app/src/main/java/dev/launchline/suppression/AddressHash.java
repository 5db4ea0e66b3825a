package dev.launchline.suppression;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What the suppression list keeps instead of an address: the hex SHA-256 of the address in lower
 * case. Lower case because providers report the address as they saw it and a person may have typed
 * it in any case; addresses we send to are ASCII (EmailAddress), so the folding is unambiguous.
 * Unsalted on purpose: a salt or key that rotates would unsuppress everyone. It hides the address
 * from a casual reader, not from someone holding a list of candidate addresses (docs/email-reputation.md).
 */
public final class AddressHash {
    private AddressHash() {
    }

    public static String of(String address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(address.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible); // every JVM has SHA-256
        }
    }
}
