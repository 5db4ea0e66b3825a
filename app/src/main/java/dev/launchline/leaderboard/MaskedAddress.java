package dev.launchline.leaderboard;

/**
 * How a person who chose no leaderboard name appears: ada@example.com as a***@e***.com. Enough
 * for them (and their friends) to recognise the entry, too little to mail anyone or to tell
 * two people with the same initials and provider apart.
 */
final class MaskedAddress {
    private static final String HIDDEN = "***";

    private MaskedAddress() {
    }

    static String of(String address) {
        int at = address.lastIndexOf('@');
        String local = at > 0 ? address.substring(0, at) : address;
        String domain = at > 0 ? address.substring(at + 1) : "";
        String firstLabel = domain.contains(".") ? domain.substring(0, domain.indexOf('.')) : domain;
        String topLevel = domain.contains(".") ? domain.substring(domain.lastIndexOf('.')) : "";
        return firstCharacter(local) + HIDDEN + "@" + firstCharacter(firstLabel) + HIDDEN + topLevel;
    }

    private static String firstCharacter(String text) {
        return text.isEmpty() ? "" : new String(Character.toChars(text.codePointAt(0)));
    }
}
