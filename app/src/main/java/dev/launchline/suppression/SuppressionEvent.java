package dev.launchline.suppression;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One address a provider told us to stop mailing, as read from its notification. The address is
 * held only until it is hashed; {@code detail} never contains it (see {@link #withoutAddresses}).
 */
public record SuppressionEvent(String address, Reason reason, Source source, String detail) {
    private static final Pattern ANY_ADDRESS = Pattern.compile("[^\\s<>\"'(),;:\\[\\]]+@[^\\s<>\"'(),;:\\[\\]]+");

    public enum Reason {
        HARD_BOUNCE, COMPLAINT, MANUAL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Reason of(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    public enum Source {
        SES, MAILGUN, ADMIN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A provider's diagnosis, e.g. "smtp; 550 5.1.1 &lt;jane@example.com&gt;: Recipient address
     * rejected", with every address in it blanked and cut to the column's length: the detail is
     * kept after the person is erased, so it must not name them.
     */
    public static String withoutAddresses(String detail) {
        if (detail == null || detail.isBlank()) {
            return null;
        }
        String blanked = ANY_ADDRESS.matcher(detail.strip()).replaceAll("[address]");
        return blanked.length() <= 500 ? blanked : blanked.substring(0, 500);
    }
}
