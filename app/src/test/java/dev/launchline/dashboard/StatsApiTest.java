package dev.launchline.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/v1/admin/stats against a known set of signups on two past days (backdated in SQL),
 * one older signup outside the default window, and outbox rows in every state.
 */
class StatsApiTest {
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private static final OffsetDateTime DAY_A = TODAY.minusDays(2).atTime(10, 0).atOffset(ZoneOffset.UTC);
    private static final OffsetDateTime DAY_B = TODAY.minusDays(1).atTime(23, 30).atOffset(ZoneOffset.UTC);

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();
    private static DashboardFixtures fixtures;
    private static String read;

    @BeforeAll
    static void seedKnownSignups() {
        fixtures = new DashboardFixtures(stack.testStack());
        read = fixtures.token("dashboard-read", "read");

        long referrer = fixtures.signup("launch", "twitter", DAY_A, true, null, null);
        fixtures.signup("launch", "twitter", DAY_A.plusHours(1), true, referrer, "same_network");
        fixtures.signup("launch", null, DAY_A.plusHours(2), false, referrer, null);
        fixtures.signup("launch", "newsletter", DAY_B, true, referrer, null);
        fixtures.signup("launch", "newsletter", DAY_B.plusMinutes(10), false, null, null);
        fixtures.signup("instant", "twitter", DAY_B.plusMinutes(20), true, null, null);
        fixtures.signup("launch", "twitter", DAY_A.minusDays(40), true, null, null); // outside 30 days

        // outbox rows in each state; the pending ones are due next year, so the worker leaves them alone
        stack.db().execute("""
                insert into outbox_email (message_id, kind, sender, recipient, subject, text_body, html_body,
                                          status, attempts, next_attempt_at, created_at, sent_at)
                values ('m1', 'test', 's', 'r', 's', 't', 'h', 'sent', 1, now(), now() - interval '1 hour', now()),
                       ('m2', 'test', 's', 'r', 's', 't', 'h', 'sent', 2, now(), now() - interval '1 hour', now()),
                       ('m3', 'test', 's', 'r', 's', 't', 'h', 'sent', 1, now(), now() - interval '90 days',
                        now() - interval '90 days'),
                       ('m4', 'test', 's', 'r', 's', 't', 'h', 'dead', 8, now(), now() - interval '2 hours', null),
                       ('m5', 'test', 's', 'r', 's', 't', 'h', 'pending', 3, now() + interval '1 year',
                        now() - interval '10 minutes', null),
                       ('m6', 'test', 's', 'r', 's', 't', 'h', 'pending', 0, now() + interval '1 year',
                        now() - interval '1 minute', null),
                       ('m7', 'test', 's', 'r', 's', 't', 'h', 'suppressed', 0, now(), now() - interval '3 hours', null),
                       ('m8', 'test', 's', 'r', 's', 't', 'h', 'suppressed', 0, now(), now() - interval '90 days', null)
                """);
        // two addresses on the suppression list (only their hashes, as always)
        stack.db().execute("""
                insert into email_suppression (address_hash, reason, source)
                values (repeat('a', 64), 'hard_bounce', 'ses'), (repeat('b', 64), 'complaint', 'mailgun')
                """);
    }

    private static Map<String, List<Integer>> series(JsonNode list) {
        Map<String, List<Integer>> byName = new TreeMap<>();
        list.forEach(series -> {
            List<Integer> perDay = new ArrayList<>();
            series.get("per_day").forEach(count -> perDay.add(count.asInt()));
            byName.put(series.get("name").asText(), perDay);
        });
        return byName;
    }

    /** Counts on day A (two days ago) and day B (yesterday) of a 30-day series; every other day is 0. */
    private static List<Integer> dayAandB(int a, int b) {
        List<Integer> perDay = new ArrayList<>(Collections.nCopies(30, 0));
        perDay.set(27, a);
        perDay.set(28, b);
        return perDay;
    }

    @Nested
    class Numbers {
        @Test
        void signups_per_day_are_counted_per_waitlist_and_per_source_over_thirty_calendar_days() {
            JsonNode stats = fixtures.stats(read, "?days=30").json();

            assertThat(stats.at("/window/days").asInt()).isEqualTo(30);
            assertThat(stats.at("/window/from").asText()).startsWith(TODAY.minusDays(29) + "T00:00");
            assertThat(stats.get("days")).hasSize(30);
            assertThat(stats.at("/days/0").asText()).isEqualTo(TODAY.minusDays(29).toString());
            assertThat(stats.at("/days/29").asText()).isEqualTo(TODAY.toString());
            assertThat(stats.at("/signups/total").asInt()).isEqualTo(6);
            assertThat(series(stats.at("/signups/per_waitlist"))).isEqualTo(Map.of(
                    "launch", dayAandB(3, 2),
                    "instant", dayAandB(0, 1)));
            assertThat(series(stats.at("/signups/per_source"))).isEqualTo(Map.of(
                    "twitter", dayAandB(2, 1),
                    "newsletter", dayAandB(0, 2),
                    "(none)", dayAandB(1, 0)));
            assertThat(stats.at("/signups/per_source/0/name").asText()).isEqualTo("twitter");
            assertThat(stats.at("/signups/per_source/0/total").asInt()).isEqualTo(3);
        }

        @Test
        void confirmation_rate_and_credited_referrals_are_per_waitlist_and_only_fair_referrals_count() {
            JsonNode stats = fixtures.stats(read, "").json();

            JsonNode launch = stats.at("/waitlists/1");
            assertThat(launch.get("waitlist").asText()).isEqualTo("launch");
            assertThat(launch.get("signups").asInt()).isEqualTo(5);
            assertThat(launch.get("confirmed").asInt()).isEqualTo(3);
            assertThat(launch.get("confirmation_rate").asDouble()).isEqualTo(0.6);
            assertThat(launch.get("referrals_credited").asInt()).isEqualTo(1);
            JsonNode instant = stats.at("/waitlists/0");
            assertThat(instant.get("waitlist").asText()).isEqualTo("instant");
            assertThat(instant.get("confirmation_rate").asDouble()).isEqualTo(1.0);
            assertThat(instant.get("referrals_credited").asInt()).isZero();
            assertThat(stats.get("referrals")).isEqualTo(json("""
                    {"credited": 1, "not_credited": 1, "unconfirmed": 1}"""));
        }

        @Test
        void email_health_counts_sent_and_dead_in_the_window_and_the_undelivered_right_now() {
            JsonNode email = fixtures.stats(read, "?days=30").json().get("email");

            assertThat(email.get("sent").asInt()).isEqualTo(2);
            assertThat(email.get("dead").asInt()).isEqualTo(1);
            assertThat(email.get("backlog").asInt()).isEqualTo(2);
            assertThat(email.get("failed_pending").asInt()).isEqualTo(1);
            assertThat(email.get("oldest_pending_age_seconds").asLong()).isBetween(600L, 900L);
            assertThat(email.get("suppressed").asInt()).as("the suppressed mail of the window").isEqualTo(1);
            assertThat(email.get("suppressed_addresses").asInt()).isEqualTo(2);
        }

        @Test
        void a_shorter_window_counts_only_its_days_and_a_year_reaches_the_older_signup() {
            JsonNode twoDays = fixtures.stats(read, "?days=2").json();
            assertThat(twoDays.get("days")).hasSize(2);
            assertThat(twoDays.at("/signups/total").asInt()).isEqualTo(3);
            assertThat(series(twoDays.at("/signups/per_waitlist")))
                    .isEqualTo(Map.of("launch", List.of(2, 0), "instant", List.of(1, 0)));

            JsonNode today = fixtures.stats(read, "?days=1").json();
            assertThat(today.at("/signups/total").asInt()).isZero();
            assertThat(today.at("/signups/per_waitlist")).isEmpty();

            JsonNode year = fixtures.stats(read, "?days=366").json();
            assertThat(year.get("days")).hasSize(366);
            assertThat(year.at("/signups/total").asInt()).isEqualTo(7);
            assertThat(year.at("/email/sent").asInt()).isEqualTo(3);
        }

        @Test
        void latency_per_route_and_the_count_of_server_errors_come_from_the_request_timers() {
            assertThat(stack.http().get("/healthz").status()).isEqualTo(200);
            // a 5xx through the same timers the request logger feeds; no route here fails on purpose
            stack.service().metrics().recordRequest("POST", "/api/v1/waitlists/{slug}/signups", 503,
                    Duration.ofMillis(40));

            JsonNode stats = fixtures.stats(read, "").json();

            JsonNode health = find(stats.get("latency"), "/healthz", 200);
            assertThat(health.get("method").asText()).isEqualTo("GET");
            assertThat(health.get("count").asLong()).isEqualTo(1);
            assertThat(health.get("p95_ms").asDouble()).isPositive();
            JsonNode failed = find(stats.get("latency"), "/api/v1/waitlists/{slug}/signups", 503);
            assertThat(failed.get("p95_ms").asDouble()).isBetween(30.0, 60.0);
            assertThat(stats.at("/errors/server_errors_since_start").asLong()).isEqualTo(1);
        }

        @Test
        void the_release_is_the_one_version_reports() {
            JsonNode version = stack.http().get("/version").json();
            JsonNode release = fixtures.stats(read, "").json().get("release");

            assertThat(release.get("release").asText()).isEqualTo(version.get("release").asText()).startsWith("launchline@");
            assertThat(release.get("commit").asText()).isEqualTo(version.get("commit").asText());
            assertThat(release.get("environment").asText()).isEqualTo("test");
        }
    }

    @Test
    void only_the_eight_biggest_sources_are_named_and_the_rest_are_summed_as_other() {
        try (TestStack flooded = TestStack.start()) {
            DashboardFixtures other = new DashboardFixtures(flooded);
            OffsetDateTime today = OffsetDateTime.now(ZoneOffset.UTC);
            for (int source = 0; source < 12; source++) {
                // source s0 gets 13 signups, s1 12, ... s11 2: a clear order
                for (int signup = 0; signup < 13 - source; signup++) {
                    other.signup("launch", "s" + source, today, false, null, null);
                }
            }
            JsonNode perSource = other.stats(other.token("read", "read"), "?days=1").json().at("/signups/per_source");

            List<String> names = new ArrayList<>();
            perSource.forEach(series -> names.add(series.get("name").asText() + "=" + series.get("total").asInt()));
            // s8..s11: 5 + 4 + 3 + 2
            assertThat(names).containsExactly("(other)=14", "s0=13", "s1=12", "s2=11", "s3=10", "s4=9", "s5=8",
                    "s6=7", "s7=6");
        }
    }

    @Nested
    class Access {
        @Test
        void without_a_token_it_is_401_with_a_bearer_challenge() {
            Http.Response response = fixtures.stats(null, "");
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(response.json().at("/error/code").asText()).isEqualTo("unauthorized");
        }

        @Test
        void an_unknown_token_is_401_and_a_write_token_may_read() {
            assertThat(fixtures.stats("not-a-real-token", "").status()).isEqualTo(401);
            assertThat(fixtures.stats(fixtures.token("dashboard-write", "write"), "").status()).isEqualTo(200);
        }

        @ParameterizedTest
        @ValueSource(strings = {"?days=0", "?days=367", "?days=-1", "?days=abc", "?days=1.5", "?days=30&days=7",
                "?days=99999999999"})
        void days_outside_one_to_366_are_422_naming_days(String query) {
            Http.Response response = fixtures.stats(read, query);
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("validation_failed");
            assertThat(response.json().at("/error/fields").fieldNames()).toIterable().containsExactly("days");
        }

        @Test
        void an_unknown_parameter_is_422_rather_than_silently_thirty_days() {
            Http.Response response = fixtures.stats(read, "?day=7");
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().at("/error/fields/day").asText()).isEqualTo("unknown parameter");
        }
    }

    private static JsonNode find(JsonNode latency, String route, int status) {
        for (JsonNode entry : latency) {
            if (entry.get("route").asText().equals(route) && entry.get("status").asInt() == status) {
                return entry;
            }
        }
        throw new AssertionError("no latency for " + route + " " + status + " in " + latency);
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException malformed) {
            throw new AssertionError(malformed);
        }
    }
}
