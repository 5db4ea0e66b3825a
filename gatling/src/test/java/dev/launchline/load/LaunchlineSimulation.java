package dev.launchline.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * What every Launchline simulation shares: the target (a fresh local stack, or -DbaseUrl),
 * the budgets, the signup request, and the "no lead lost" count at the end.
 * Parameters are system properties: -DbaseUrl, -Dwaitlist (default "launch").
 */
public abstract class LaunchlineSimulation extends Simulation {
    protected final LoadTarget target;
    protected final Budgets budgets = new Budgets();
    protected final String waitlist = System.getProperty("waitlist", "launch");
    private static final Random RANDOM = new Random();
    private final Queue<String> acceptedEmails = new ConcurrentLinkedQueue<>();

    protected LaunchlineSimulation() {
        this(LoadTarget.Mail.SINK);
    }

    protected LaunchlineSimulation(LoadTarget.Mail mail) {
        this.target = LoadTarget.resolve(mail);
    }

    protected HttpProtocolBuilder protocol() {
        return http.baseUrl(target.baseUrl())
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                // each visitor's own address, as Cloudflare passes it on; the local stack trusts 127.0.0.1
                // as its proxy, so per-IP rate limits see many visitors, as in production
                .header("CF-Connecting-IP", "#{clientIp}")
                .shareConnections(); // a landing page's visitors come through few edge connections
    }

    /**
     * A never-ending supply of unique addresses on a reserved test domain, each visitor with a
     * random client IP from 198.18.0.0/15 (RFC 2544's benchmarking range).
     */
    protected static Iterator<Map<String, Object>> uniqueEmails() {
        return Stream.generate(() -> Map.<String, Object>of(
                "email", "load-" + UUID.randomUUID() + "@loadtest.launchline.test",
                "clientIp", "198." + (18 + RANDOM.nextInt(2)) + "." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(254))))
                .iterator();
    }

    /** Records a signup the service accepted outside {@link #signup()}, for the "no lead lost" check. */
    protected void countAcceptedSignup(String email) {
        acceptedEmails.add(email);
    }

    /** POST a signup for #{email}; 202 is the only success, and each one is counted. */
    protected ChainBuilder signup() {
        return signup("signup");
    }

    protected ChainBuilder signup(String requestName) {
        return exec(http(requestName)
                .post("/api/v1/waitlists/" + waitlist + "/signups")
                .body(StringBody("{\"email\": \"#{email}\", \"utm_source\": \"gatling\"}"))
                .check(status().is(202)))
                .exec(session -> {
                    if (!session.isFailed()) {
                        acceptedEmails.add(session.getString("email"));
                    }
                    return session;
                });
    }

    /**
     * The measured load, after -Dwarmup seconds of signups at -DwarmupRate per second (defaults:
     * 20 s at 100/s against the fresh local stack, none against -DbaseUrl). A fresh JVM spends
     * its first seconds compiling the hot paths, so without this a short run measures the JIT,
     * not the service. The warm-up requests are named "warm-up signup": budgets never apply to
     * them, and they are counted for the "no lead lost" check like any other. -Dwarmup=0 measures
     * a cold start.
     */
    protected PopulationBuilder[] afterWarmUp(PopulationBuilder... measured) {
        int seconds = intProperty("warmup", target.isLocal() ? 20 : 0);
        if (seconds == 0) {
            return measured;
        }
        return new PopulationBuilder[] {scenario("warm-up")
                .feed(uniqueEmails())
                .exec(signup("warm-up signup"))
                .injectOpen(constantUsersPerSec(intProperty("warmupRate", 100)).during(seconds))
                .andThen(measured)};
    }

    @Override
    public void after() {
        target.lostLeads(acceptedEmails).ifPresent(System.out::println);
        target.close();
    }

    protected static int intProperty(String name, int fallback) {
        return Integer.getInteger(name, fallback);
    }
}
