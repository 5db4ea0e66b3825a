package dev.launchline.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Steady: an open-model constant arrival rate of signups with unique emails.
 * -Drate=signups per second (default 100), -Dduration=seconds (default 30).
 */
public class SignupSteadySimulation extends LaunchlineSimulation {
    {
        setUp(afterWarmUp(scenario("steady")
                .feed(uniqueEmails())
                .exec(signup())
                .injectOpen(constantUsersPerSec(intProperty("rate", 100)).during(intProperty("duration", 30)))))
                .protocols(protocol())
                .assertions(budgets.forRequest("steady", "signup"));
    }
}
