package dev.launchline.admin;

import dev.launchline.http.ApiException;
import dev.launchline.lead.LeadFilter;
import dev.launchline.waitlist.SignupFilter;
import io.javalin.http.Context;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The query string of an admin list or export, checked strictly: an unknown or repeated
 * parameter or a bad value is a 422 naming it (a typo like {@code ?stauts=} must not silently
 * return everything).
 */
final class AdminQuery {
    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 500;
    private static final Set<String> PAGING = Set.of("limit", "before");
    private static final Set<String> SIGNUP_FILTERS =
            Set.of("waitlist", "status", "email", "email_contains", "created_from", "created_before", "test");
    private static final Set<String> WEBHOOK_FILTERS = Set.of("status", "endpoint");
    private static final Set<String> SUPPRESSION_FILTERS = Set.of("reason", "email");
    private static final Set<String> LEAD_FILTERS =
            Set.of("form", "email", "email_contains", "created_from", "created_before");

    private final Map<String, String> params;
    private final Map<String, String> problems = new LinkedHashMap<>();

    private AdminQuery(Context ctx, Set<String> allowed) {
        this.params = new TreeMap<>();
        ctx.queryParamMap().forEach((name, values) -> {
            if (!allowed.contains(name)) {
                problems.put(name, "unknown parameter");
            } else if (values.size() != 1) {
                problems.put(name, "give it once");
            } else if (!values.get(0).isBlank()) {
                params.put(name, values.get(0).strip());
            }
        });
    }

    static AdminQuery signups(Context ctx, boolean paged) {
        return new AdminQuery(ctx, paged ? union(SIGNUP_FILTERS, PAGING) : SIGNUP_FILTERS);
    }

    static AdminQuery leads(Context ctx, boolean paged) {
        return new AdminQuery(ctx, paged ? union(LEAD_FILTERS, PAGING) : LEAD_FILTERS);
    }

    static AdminQuery webhookDeliveries(Context ctx) {
        return new AdminQuery(ctx, union(WEBHOOK_FILTERS, PAGING));
    }

    Optional<String> webhookStatus() {
        return parsed("status", text -> Optional.of(text).filter(Set.of("pending", "delivered", "dead")::contains),
                "one of pending, delivered, dead");
    }

    static AdminQuery suppressions(Context ctx) {
        return new AdminQuery(ctx, union(SUPPRESSION_FILTERS, PAGING));
    }

    Optional<String> suppressionReason() {
        return parsed("reason", text -> Optional.of(text).filter(Set.of("hard_bounce", "complaint", "manual")::contains),
                "one of hard_bounce, complaint, manual");
    }

    /** An exact address: the suppression list can only be searched by the whole address (it keeps a hash). */
    Optional<String> email() {
        return text("email", 320);
    }

    Optional<String> endpoint() {
        return text("endpoint", 64);
    }

    static AdminQuery person(Context ctx) {
        return new AdminQuery(ctx, Set.of("email"));
    }

    /** The one address a person export is about: required, and an address. */
    String requiredEmail() {
        Optional<String> email = text("email", 320);
        if (email.isEmpty()) {
            problems.putIfAbsent("email", "required: the person's email address");
            return "";
        }
        if (dev.launchline.email.EmailAddress.parse(email.get(), false).isEmpty()) {
            problems.put("email", "an email address, such as ada@example.com");
        }
        return email.get();
    }

    static AdminQuery paging(Context ctx) {
        return new AdminQuery(ctx, PAGING);
    }

    SignupFilter signupFilter() {
        return new SignupFilter(text("waitlist", 64), parsed("status", SignupFilter.Status::parse,
                "one of pending, confirmed, invited, unsubscribed"), text("email", 320), text("email_contains", 320),
                time("created_from"), time("created_before"),
                parsed("test", SignupFilter.TestSignups::parse, "one of exclude, include, only")
                        .orElse(SignupFilter.TestSignups.EXCLUDE));
    }

    LeadFilter leadFilter() {
        return new LeadFilter(text("form", 64), text("email", 320), text("email_contains", 320),
                time("created_from"), time("created_before"));
    }

    int limit() {
        String expected = "a whole number from 1 to " + MAX_PAGE_SIZE;
        Optional<Long> limit = parsed("limit", AdminQuery::number, expected);
        if (limit.isPresent() && (limit.get() < 1 || limit.get() > MAX_PAGE_SIZE)) {
            problems.put("limit", expected);
            return DEFAULT_PAGE_SIZE;
        }
        return limit.map(Long::intValue).orElse(DEFAULT_PAGE_SIZE);
    }

    Optional<Long> before() {
        return parsed("before", AdminQuery::number, "the next_cursor of the previous page");
    }

    /** For the audit log: the filters as given, in a stable order. */
    String describe() {
        return params.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("&"));
    }

    /** Call after reading every value: throws with all problems at once. */
    void check() {
        if (!problems.isEmpty()) {
            throw ApiException.validation(problems);
        }
    }

    private Optional<String> text(String name, int maxLength) {
        Optional<String> value = Optional.ofNullable(params.get(name));
        if (value.isPresent() && value.get().length() > maxLength) {
            problems.put(name, "at most " + maxLength + " characters");
            return Optional.empty();
        }
        return value;
    }

    private Optional<OffsetDateTime> time(String name) {
        return parsed(name, text -> {
            try {
                return Optional.of(OffsetDateTime.parse(text));
            } catch (DateTimeParseException malformed) {
                return Optional.empty();
            }
        }, "an ISO-8601 time with offset, e.g. 2026-01-31T00:00:00Z");
    }

    private <T> Optional<T> parsed(String name, Function<String, Optional<T>> parser, String expected) {
        String raw = params.get(name);
        if (raw == null) {
            return Optional.empty();
        }
        Optional<T> value = parser.apply(raw);
        if (value.isEmpty()) {
            problems.put(name, expected);
        }
        return value;
    }

    private static Optional<Long> number(String text) {
        if (!text.matches("[0-9]{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }

    static long id(Context ctx) {
        return number(ctx.pathParam("id")).orElseThrow(() -> ApiException.notFound("This record"));
    }
}
