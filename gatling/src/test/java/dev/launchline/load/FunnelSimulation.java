package dev.launchline.load;

import io.gatling.javaapi.core.ChainBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The funnel, as a person goes through it: sign up, open the confirmation mail (from the dev
 * inbox, so local or a test deployment only), confirm, look at the status page. Every step
 * has its own budget. -Drate=people per second (default 5), -Dduration=seconds (default 30).
 */
public class FunnelSimulation extends LaunchlineSimulation {
    private static final Duration MAIL_WAIT = Duration.ofSeconds(10);

    public FunnelSimulation() {
        super(LoadTarget.Mail.DEV_INBOX); // the mail is read from the service's dev inbox, over HTTP
        setUp(afterWarmUp(scenario("funnel")
                .feed(uniqueEmails())
                .exec(signup())
                .exec(awaitMail("confirmToken", "/confirm?token="))
                .exec(http("confirm")
                        .post("/api/v1/confirmations")
                        .body(StringBody("{\"token\": \"#{confirmToken}\"}"))
                        .check(status().is(200)))
                .exec(awaitMail("statusToken", "/status?token="))
                .exec(http("status")
                        .get("/api/v1/status?token=#{statusToken}")
                        .check(status().is(200), jsonPath("$.position").ofInt().gt(0)))
                .injectOpen(constantUsersPerSec(intProperty("rate", 5)).during(intProperty("duration", 30)))))
                .protocols(protocol())
                .assertions(assertions());
    }

    /**
     * Polls the dev inbox until a mail with a {@code linkPath} link is there (the confirmation
     * mail carries the only /confirm link, the "you're in" mail the only /status link), for at
     * most {@link #MAIL_WAIT}: a mail that never comes leaves a token that the next step's
     * request fails on, so it shows as an error against the budget instead of a user polling forever.
     */
    private static ChainBuilder awaitMail(String tokenKey, String linkPath) {
        String found = tokenKey + "Found";
        String since = tokenKey + "Since";
        return exec(session -> session.set(found, false).set(since, System.nanoTime()))
                .exec(asLongAs(session -> !session.getBoolean(found)
                        && System.nanoTime() - session.getLong(since) < MAIL_WAIT.toNanos()).on(
                        exec(http("read mail")
                                .get("/_dev/mail?to=#{email}")
                                .check(status().is(200))
                                .check(jsonPath("$.messages[*].links[*]").findAll().optional().saveAs(tokenKey + "Links")))
                                .exec(session -> {
                                    List<String> links = session.contains(tokenKey + "Links")
                                            ? session.getList(tokenKey + "Links") : List.of();
                                    for (String link : links) {
                                        if (link.contains(linkPath)) {
                                            return session.set(tokenKey, link.substring(link.indexOf("token=") + 6))
                                                    .set(found, true);
                                        }
                                    }
                                    return session;
                                })
                                .doIf(session -> !session.getBoolean(found)).then(pause(Duration.ofMillis(50)))))
                .doIf(session -> !session.getBoolean(found)).then(exec(session -> session.set(tokenKey, "mail-never-arrived")));
    }

    private List<io.gatling.javaapi.core.Assertion> assertions() {
        List<io.gatling.javaapi.core.Assertion> all = new ArrayList<>();
        for (String request : new String[] {"signup", "confirm", "status", "read mail"}) {
            all.addAll(budgets.forRequest("funnel", request));
        }
        return all;
    }
}
