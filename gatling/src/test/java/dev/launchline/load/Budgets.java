package dev.launchline.load;

import io.gatling.javaapi.core.Assertion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

import static io.gatling.javaapi.core.CoreDsl.details;

/**
 * The p95/p99/error budgets from budgets.properties, turned into Gatling assertions: a broken
 * budget fails the simulation, and with it the Maven build. {@code -Dbudgets=ambitious} or
 * {@code -Dbudgets=smoke} puts a profile's values in front of the defaults.
 */
public final class Budgets {
    private final Properties values = new Properties();
    private final String profile = System.getProperty("budgets", "");

    public Budgets() {
        try (InputStream in = Budgets.class.getResourceAsStream("/budgets.properties")) {
            values.load(in);
        } catch (IOException | NullPointerException missing) {
            throw new UncheckedIOException(new IOException("budgets.properties not on the classpath"));
        }
    }

    /** p95, p99 and error-rate assertions for one named request of one scenario. */
    public List<Assertion> forRequest(String scenario, String request) {
        return List.of(
                details(request).responseTime().percentile(95.0).lt((int) value(scenario, request, "p95")),
                details(request).responseTime().percentile(99.0).lt((int) value(scenario, request, "p99")),
                details(request).failedRequests().percent().lte(value(scenario, request, "errorPercent")));
    }

    double value(String scenario, String request, String metric) {
        for (String prefix : profile.isEmpty() ? new String[] {""} : new String[] {profile + ".", ""}) {
            for (String key : new String[] {scenario + "." + request + "." + metric, scenario + "." + metric, metric}) {
                String candidate = (prefix + key).startsWith(".") ? key : prefix + key;
                if (!candidate.equals(metric) && values.getProperty(candidate) != null) {
                    return Double.parseDouble(values.getProperty(candidate));
                }
            }
        }
        return Double.parseDouble(values.getProperty("default." + metric));
    }
}
