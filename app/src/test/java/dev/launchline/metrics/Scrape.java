package dev.launchline.metrics;

import dev.launchline.support.TestStack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** One GET /metrics, parsed: each sample's name, labels and value, as Prometheus reads them. */
final class Scrape {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples = new ArrayList<>();

    private Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
    }

    static Scrape of(TestStack stack) {
        var response = stack.http().get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        return new Scrape(response.body());
    }

    String text() {
        return text;
    }

    /** The one sample with this name and (at least) these labels, given as name, value, name, value... */
    double value(String name, String... labels) {
        List<Sample> matching = matching(name, labels);
        assertThat(matching).as("samples of %s with %s", name, List.of(labels)).hasSize(1);
        return matching.get(0).value();
    }

    /** Like {@link #value} but 0 when the series does not exist yet (a counter never incremented). */
    double count(String name, String... labels) {
        List<Sample> matching = matching(name, labels);
        assertThat(matching).as("samples of %s with %s", name, List.of(labels)).hasSizeLessThanOrEqualTo(1);
        return matching.isEmpty() ? 0 : matching.get(0).value();
    }

    /** The HELP line Micrometer wrote from the meter's description. */
    String help(String name) {
        return text.lines().filter(line -> line.startsWith("# HELP " + name + " ")).findFirst()
                .map(line -> line.substring(("# HELP " + name + " ").length())).orElse("");
    }

    private List<Sample> matching(String name, String... labels) {
        return samples.stream()
                .filter(sample -> sample.name().equals(name))
                .filter(sample -> {
                    for (int i = 0; i < labels.length; i += 2) {
                        if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
    }
}
