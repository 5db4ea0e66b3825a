package dev.launchline.waitlist;

import dev.launchline.http.Fields;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The optional signup field {@code leaderboard_name}: the name a person chooses to appear under on
 * a public leaderboard. It is published to strangers, so it may not carry an address or a link:
 * nobody publishes their own (or someone else's) email address there, and nobody gets a free
 * advertisement for a spam site by referring a few bots.
 */
final class LeaderboardName {
    static final String FIELD = "leaderboard_name";
    /** Also the column's length (V22). */
    static final int MAX_LENGTH = 40;
    /** "x.com", "bit.ly/x": letters, a dot and two letters or more read as a domain ("J. Smith" does not). */
    private static final Pattern DOMAIN_LIKE = Pattern.compile("\\p{L}[\\p{L}\\p{N}-]*\\.\\p{L}{2,}");
    private static final Pattern LINK_LIKE = Pattern.compile("(?i)(://|www\\.|[@＠]|\\bhttps?\\b)");

    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private LeaderboardName() {
    }

    /** Control characters and length are Fields' checks; invisible characters, addresses and links are ours. */
    static Optional<String> read(Fields fields) {
        Optional<String> name = fields.text(FIELD, MAX_LENGTH);
        if (name.isPresent() && hasInvisibleFormatting(name.get())) {
            fields.problem(FIELD, "contains characters that are not allowed");
            return Optional.empty();
        }
        if (name.isPresent() && looksLikeAddressOrLink(name.get())) {
            fields.problem(FIELD, "must be a name, not an email address or a link");
            return Optional.empty();
        }
        return name;
    }

    /**
     * Format characters (bidi overrides, zero-width spaces) would let a name display as something
     * it is not, or hide a domain from the check below. The zero-width joiner stays: emoji need it.
     */
    static boolean hasInvisibleFormatting(String name) {
        return name.codePoints().anyMatch(c -> Character.getType(c) == Character.FORMAT && c != ZERO_WIDTH_JOINER);
    }

    static boolean looksLikeAddressOrLink(String name) {
        return LINK_LIKE.matcher(name).find() || DOMAIN_LIKE.matcher(name).find();
    }
}
