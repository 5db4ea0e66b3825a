package dev.launchline.dashboard;

import dev.launchline.http.Routes;
import dev.launchline.http.Guard;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/** GET /api/v1/admin/stats?days=30 (read scope; the admin gate has let the request in). */
public final class StatsHandler {
    static final int DEFAULT_DAYS = 30;
    private static final String DAYS_EXPECTED = "a whole number from 1 to " + DashboardStats.MAX_DAYS;

    private final DashboardStats stats;

    public StatsHandler(DashboardStats stats) {
        this.stats = stats;
    }

    public void stats(Context ctx) {
        ctx.json(stats.lastDays(days(ctx.queryParamMap())));
    }

    /** Strict like the other admin queries: a typo such as {@code ?day=7} is a 422, not 30 days. */
    static int days(Map<String, List<String>> query) {
        for (String name : query.keySet()) {
            if (!name.equals("days")) {
                throw ApiException.validation(Map.of(name, "unknown parameter"));
            }
        }
        List<String> values = query.getOrDefault("days", List.of());
        if (values.isEmpty()) {
            return DEFAULT_DAYS;
        }
        if (values.size() > 1) {
            throw ApiException.validation(Map.of("days", "give it once"));
        }
        try {
            int days = Integer.parseInt(values.get(0).strip());
            if (days >= 1 && days <= DashboardStats.MAX_DAYS) {
                return days;
            }
        } catch (NumberFormatException notANumber) {
            // answered below, like a number out of range
        }
        throw ApiException.validation(Map.of("days", DAYS_EXPECTED));
    }

    public Routes routes(Guard admin) {
        return routes -> routes.get("/api/v1/admin/stats", this::stats, admin);
    }
}
