package dev.launchline.load;

import io.gatling.javaapi.core.Assertion;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Abuse mixed with real traffic: one client IP floods the signup endpoint while real visitors
 * (each with an address of their own) sign up. The flood must be refused (429) and the
 * visitors must stay within their budget and lose nothing.
 * -DfloodRate=flood requests per second (default 200), -Drate=visitors per second (default 20),
 * -Dduration=seconds (default 30).
 */
public class AbuseMixSimulation extends LaunchlineSimulation {
    private static final String FLOODER = "203.0.113.66"; // TEST-NET-3: one address, many requests

    {
        int duration = intProperty("duration", 30);
        setUp(afterWarmUp(
                scenario("flood")
                        .feed(floodRequests())
                        .exec(http("flood")
                                .post("/api/v1/waitlists/" + waitlist + "/signups")
                                .body(StringBody("{\"email\": \"#{email}\"}"))
                                // a 202 is a flood request that got through: budgeted as an "error" below
                                .check(status().saveAs("floodStatus"), status().is(429)))
                        .exec(session -> {
                            if (session.contains("floodStatus") && session.getInt("floodStatus") == 202) {
                                countAcceptedSignup(session.getString("email"));
                            }
                            return session;
                        })
                        .injectOpen(constantUsersPerSec(intProperty("floodRate", 200)).during(duration)),
                scenario("abuse")
                        .feed(uniqueEmails())
                        .exec(signup())
                        .injectOpen(constantUsersPerSec(intProperty("rate", 20)).during(duration))))
                .protocols(protocol())
                .assertions(assertions());
    }

    private static Iterator<Map<String, Object>> floodRequests() {
        return Stream.generate(() -> Map.<String, Object>of(
                "email", "flood-" + UUID.randomUUID() + "@loadtest.launchline.test",
                "clientIp", FLOODER)).iterator();
    }

    private List<Assertion> assertions() {
        List<Assertion> all = new ArrayList<>(budgets.forRequest("abuse", "signup"));
        all.addAll(budgets.forRequest("abuse", "flood"));
        return all;
    }
}
