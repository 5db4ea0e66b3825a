package dev.launchline.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Launch spike: the ad campaign lands. From idle to -Dpeak signups/s (default 500) in -Dramp
 * seconds (default 10), held for -Dhold seconds (default 60), then back to nothing.
 */
public class LaunchSpikeSimulation extends LaunchlineSimulation {
    {
        int peak = intProperty("peak", 500);
        setUp(afterWarmUp(scenario("spike")
                .feed(uniqueEmails())
                .exec(signup())
                .injectOpen(
                        rampUsersPerSec(0).to(peak).during(intProperty("ramp", 10)),
                        constantUsersPerSec(peak).during(intProperty("hold", 60)))))
                .protocols(protocol())
                .assertions(budgets.forRequest("spike", "signup"));
    }
}
