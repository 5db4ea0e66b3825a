package dev.launchline.email;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * A practical RFC 5321 mailbox: dot-atom ASCII local part (no quoted strings, no comments,
 * no IP literals), a DNS domain with at least two labels, IDN domains converted to their
 * ASCII (punycode) form, and the protocol length limits (64 local, 253 domain, 254 total).
 *
 * @param address the address mail is sent to: local part as typed, domain lowercase ASCII
 * @param key     what decides "same person": case-folded, and Gmail dots/+tags folded when asked
 */
public record EmailAddress(String address, String key) {

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    public static Optional<EmailAddress> parse(String raw, boolean foldGmailDots) {
        if (raw == null) {
            return Optional.empty();
        }
        String text = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1 || text.length() > 320) {
            return Optional.empty();
        }
        String local = text.substring(0, at);
        Optional<String> domain = asciiDomain(text.substring(at + 1));
        if (!isDotAtom(local) || local.length() > 64 || domain.isEmpty()) {
            return Optional.empty();
        }
        String address = local + "@" + domain.get();
        if (address.length() > 254) {
            return Optional.empty();
        }
        return Optional.of(new EmailAddress(address, key(local, domain.get(), foldGmailDots)));
    }

    private static String key(String local, String domain, boolean foldGmailDots) {
        String lowerLocal = local.toLowerCase(Locale.ROOT);
        if (foldGmailDots && (domain.equals("gmail.com") || domain.equals("googlemail.com"))) {
            int plus = lowerLocal.indexOf('+');
            String base = plus >= 0 ? lowerLocal.substring(0, plus) : lowerLocal;
            return base.replace(".", "") + "@gmail.com";
        }
        return lowerLocal + "@" + domain;
    }

    private static boolean isDotAtom(String local) {
        if (local.isEmpty() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ATEXT_SPECIALS.indexOf(c) >= 0;
            if (!atext && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> asciiDomain(String domain) {
        String ascii;
        try {
            // IDNA: "bücher.example" -> "xn--bcher-kva.example"; rejects what cannot be a host name
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notAHostName) {
            return Optional.empty();
        }
        if (ascii.isEmpty() || ascii.length() > 253 || ascii.endsWith(".")) {
            return Optional.empty();
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return Optional.empty();
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return Optional.empty(); // 10.0.0.1 is not a mail domain
        }
        return Optional.of(ascii);
    }
}
