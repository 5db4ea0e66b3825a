package dev.launchline.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The same fresh local stack as the simulations, loaded by wrk instead of Gatling. wrk is a
 * small C program: it leaves the cores to the service and PostgreSQL, where Gatling's JVM takes
 * about 0.8 ms of CPU per request (a fifth of this 2-core box at 500 requests/s). Run it with
 * {@code ./mvnw -pl gatling -am verify -Pwrk -DskipTests -Drate=1000 -Dduration=30}; it needs
 * {@code wrk} on PATH (Debian: {@code apt-get install wrk}).
 *
 * <p>-Drate=R offers R signups/s on a fixed schedule over -Dconnections (default R/10), and
 * counts each answer's latency from when its request was due, so a slow answer cannot hide the
 * requests queued behind it (see signup.lua); -Drate=0 runs closed-loop as fast as
 * -Dconnections (default 32) go, which measures the sustained maximum; -Dramp=S climbs from 0 to
 * the rate over S seconds first (the spike: {@code -Dwarmup=0 -Drate=2000 -Dramp=10
 * -Dduration=70}). After a warm-up (-Dwarmup seconds at -DwarmupRate; default
 * 60 s closed loop on 32 connections, which gets the JIT compiler through most of its work) and
 * once the warm-up's mail has all been sent, it prints wrk's numbers, checks them against budgets.properties (scenario
 * "wrk"), counts that no lead was lost, and exits non-zero when a budget or a lead was broken.
 *
 * <p>-Dservice=floor measures the bare prototype ({@link FloorService}) instead, and
 * -Dservice=both measures the floor and then the service under the same load, one after the
 * other, and prints the service's numbers as multiples of the floor's: machines of this kind
 * differ by half, so a ratio from one machine says more than either number alone.
 */
public final class WrkBenchmark {
    private static final Pattern LINE = Pattern.compile("(\\w+)=([\\d.]+)");

    private WrkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String service = System.getProperty("service", "launchline").strip();
        List<String> services = switch (service) {
            case "", "launchline" -> List.of("launchline");
            case "floor" -> List.of("floor");
            // the floor first, then the service, under the same load: a yardstick from this very machine
            case "both" -> List.of("floor", "launchline");
            default -> throw new IllegalArgumentException("-Dservice must be launchline, floor or both, not " + service);
        };
        if (services.contains("floor") && !System.getProperty("baseUrl", "").isBlank()) {
            throw new IllegalArgumentException("-Dservice=" + service + " starts the bare prototype locally: leave -DbaseUrl out");
        }
        Path script = signupScript();
        boolean failed = false;
        Map<String, Map<String, Double>> results = new HashMap<>();
        try {
            for (String each : services) {
                System.setProperty("service", each); // read by LoadTarget when it starts the stack
                System.out.println("=== " + each);
                Measured measured = measure(script, each.equals("floor"));
                failed |= measured.failed();
                results.put(each, measured.numbers());
            }
        } finally {
            Files.deleteIfExists(script);
        }
        if (services.size() == 2) {
            compare(results.get("floor"), results.get("launchline"));
        }
        System.exit(failed ? 1 : 0);
    }

    /** The measured run's numbers, and whether it broke a budget or lost a lead. */
    private record Measured(Map<String, Double> numbers, boolean failed) {
    }

    /** Warm-up and measured run against one fresh stack. */
    private static Measured measure(Path script, boolean floor) throws Exception {
        int rate = Integer.getInteger("rate", 1000);
        int duration = Integer.getInteger("duration", 30);
        int warmup = Integer.getInteger("warmup", 60);
        Budgets budgets = new Budgets();
        try (LoadTarget target = LoadTarget.resolve(LoadTarget.Mail.SINK)) {
            long accepted = 0;
            if (warmup > 0) {
                int warmupRate = Integer.getInteger("warmupRate", 0);
                int warmupConnections = warmupRate == 0 ? 32 : Math.max(10, warmupRate / 10);
                accepted += wrk(target.baseUrl(), script, warmupRate, 0, warmupConnections, warmup, "warm-up").get("accepted").longValue();
                if (!floor) { // the floor sends no mail
                    // the warm-up's mail would otherwise still be sending during the measured run
                    target.awaitMailSent(Duration.ofSeconds(Integer.getInteger("mailWait", 300))).ifPresent(System.out::println);
                }
            }
            int connections = rate == 0 ? Integer.getInteger("connections", 32) : Integer.getInteger("connections", Math.max(10, rate / 10));
            target.startMeasuring();
            // -Dramp=S: the measured run climbs from 0 to the rate over S seconds (the spike: 10)
            int ramp = rate == 0 ? 0 : Integer.getInteger("ramp", 0);
            Map<String, Double> measured = wrk(target.baseUrl(), script, rate, ramp, connections, duration, "measured");
            accepted += measured.get("accepted").longValue();
            measured.putAll(target.measuredCpu(measured.get("accepted").longValue()));
            measured.putAll(target.measuredWal());
            List<String> broken = new ArrayList<>();
            String scenario = budgetScenario(ramp);
            check(broken, scenario, "p95", measured.get("p95"), budgets.value(scenario, "signup", "p95"));
            check(broken, scenario, "p99", measured.get("p99"), budgets.value(scenario, "signup", "p99"));
            double requests = measured.get("requests");
            double errorPercent = requests == 0 ? 100 : 100 * (measured.get("other_status") + measured.get("socket_errors")) / requests;
            check(broken, scenario, "errorPercent", errorPercent, budgets.value(scenario, "signup", "errorPercent"));
            if (measured.getOrDefault("unmatched", 0.0) > 0) {
                // e.g. a proxy in front of -DbaseUrl dropped the echoed X-Request-Id
                broken.add(measured.get("unmatched").longValue() + " answers without their X-Request-Id: their latency is unknown");
            }
            String leads = target.lostLeadsByCount(accepted).orElse("LEADS UNCHECKED: not a local stack");
            System.out.println(leads);
            broken.forEach(line -> System.out.println("BUDGET BROKEN: " + line));
            return new Measured(measured, !broken.isEmpty() || !leads.startsWith("NO LEAD LOST"));
        }
    }

    /**
     * Which budgets of budgets.properties apply: the issue sets different targets for different
     * shapes of load, so a ramp is judged as the spike ("wrk-spike"), anything else as the steady
     * rate ("wrk"), unless -DbudgetScenario names another (e.g. "wrk-sustained" for 2,500/s).
     */
    private static String budgetScenario(int ramp) {
        String named = System.getProperty("budgetScenario", "").strip();
        return !named.isEmpty() ? named : ramp > 0 ? "wrk-spike" : "wrk";
    }

    /** The service's numbers as multiples of the floor's, measured a few minutes apart on this machine. */
    private static void compare(Map<String, Double> floor, Map<String, Double> service) {
        System.out.printf("AGAINST THE FLOOR: rate %.0f/s vs %.0f/s (%.2fx); latency p50 %.2f vs %.2f ms (%.1fx), "
                        + "p95 %.2f vs %.2f ms (%.1fx), p99 %.2f vs %.2f ms (%.1fx)%n",
                service.get("rate"), floor.get("rate"), service.get("rate") / floor.get("rate"),
                service.get("p50"), floor.get("p50"), service.get("p50") / floor.get("p50"),
                service.get("p95"), floor.get("p95"), service.get("p95") / floor.get("p95"),
                service.get("p99"), floor.get("p99"), service.get("p99") / floor.get("p99"));
        if (floor.containsKey("cpu_ms_per_signup") && service.containsKey("cpu_ms_per_signup")) {
            System.out.printf("AGAINST THE FLOOR: CPU of the process and PostgreSQL per signup %.3f vs %.3f ms (%.1fx); "
                            + "the machine %.0f%% vs %.0f%% busy (%% of one core)%n",
                    service.get("cpu_ms_per_signup"), floor.get("cpu_ms_per_signup"),
                    service.get("cpu_ms_per_signup") / floor.get("cpu_ms_per_signup"),
                    service.get("machine_cpu_percent"), floor.get("machine_cpu_percent"));
        }
        if (floor.containsKey("wal_bytes_per_signup") && service.containsKey("wal_bytes_per_signup")) {
            System.out.printf("AGAINST THE FLOOR: WAL per signup %.0f vs %.0f bytes (%.1fx), %.1f vs %.1f records%n",
                    service.get("wal_bytes_per_signup"), floor.get("wal_bytes_per_signup"),
                    service.get("wal_bytes_per_signup") / floor.get("wal_bytes_per_signup"),
                    service.get("wal_records_per_signup"), floor.get("wal_records_per_signup"));
        }
    }

    private static void check(List<String> broken, String scenario, String metric, double actual, double budget) {
        boolean ok = metric.equals("errorPercent") ? actual <= budget : actual < budget;
        System.out.printf("%s signup %s: %.2f (budget %s %.0f) %s%n", scenario, metric, actual,
                metric.equals("errorPercent") ? "<=" : "<", budget, ok ? "ok" : "BROKEN");
        if (!ok) {
            broken.add(metric + " " + actual + " against " + budget);
        }
    }

    /** signup.lua, copied where wrk can read it; the caller deletes it. */
    static Path signupScript() throws IOException {
        Path script = Files.createTempFile("launchline-signup", ".lua");
        try (InputStream lua = WrkBenchmark.class.getResourceAsStream("/wrk/signup.lua")) {
            Files.write(script, lua.readAllBytes());
        }
        return script;
    }

    /** Runs wrk once against {@code baseUrl} and returns the numbers its WRK lines carry. */
    static Map<String, Double> wrk(String baseUrl, Path script, int rate, int rampSeconds, int connections, int seconds,
                                  String phase) throws IOException, InterruptedException {
        int threads = Math.min(2, connections);
        // each thread keeps its own schedule (signup.lua)
        long intervalUs = rate == 0 ? 0 : Math.round(1_000_000.0 * threads / rate);
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", script.toString(), baseUrl, "--",
                System.getProperty("waitlist", "launch"), String.valueOf(intervalUs), String.valueOf(rampSeconds * 1_000_000L));
        String offered = rate == 0 ? "closed loop" : rampSeconds == 0 ? rate + "/s offered" : "0 to " + rate + "/s offered over " + rampSeconds + " s";
        System.out.println(phase + ": " + offered + ", "
                + connections + " connections, " + seconds + " s: " + String.join(" ", command));
        Process wrk;
        try {
            wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException missing) {
            throw new IllegalStateException("wrk is not installed (Debian: apt-get install wrk)", missing);
        }
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        String ours = output.lines().filter(line -> line.startsWith("WRK ")).collect(Collectors.joining("\n"));
        System.out.println(ours);
        Map<String, Double> values = new HashMap<>();
        for (String line : ours.lines().toList()) {
            if (line.startsWith("WRK timeline")) {
                continue; // printed for people, not checked
            }
            // p50..max of "WRK service_ms" as service_p50..service_max; the plain ones are latency_ms's
            String prefix = line.startsWith("WRK service_ms") ? "service_" : "";
            Matcher numbers = LINE.matcher(line);
            while (numbers.find()) {
                values.put(prefix + numbers.group(1), Double.parseDouble(numbers.group(2)));
            }
        }
        return values;
    }
}
