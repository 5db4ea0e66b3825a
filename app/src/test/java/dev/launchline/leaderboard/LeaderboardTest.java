package dev.launchline.leaderboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.Eventually;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.jooq.conf.ParamType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waitlist leaderboard over real HTTP and a real database. The test stack's "launch" waitlist
 * shows its top 3 and reads them again after 1 s; "instant" has no leaderboard.
 */
class LeaderboardTest {
    private static TestStack stack;
    private static Http http;
    private static String adaStatus;
    private static String bobStatus;
    private static String halStatus;

    /**
     * Ada (who chose a leaderboard name) confirms first, then Bob, Eve, Cyd and Gus; Fay never
     * confirms. Bob and Fay bring two friends each, everyone else one; then Eve unsubscribes.
     */
    @BeforeAll
    static void a_launch_with_referrers() throws InterruptedException {
        // every request here comes from 127.0.0.1: the same-network referral rule would credit nobody
        stack = TestStack.start(Map.of("REFERRAL_SAME_IP_WINDOW_HOURS", "0"));
        http = stack.http();
        adaStatus = signUpAndConfirm("ada@rocket-users.test",
                "\"name\": \"Ada Lovelace\", \"leaderboard_name\": \"Ada L.\"", null);
        bobStatus = signUpAndConfirm("bob.builder@rocket-users.test", "\"name\": \"Bob Builder\"", null);
        String eveStatus = signUpAndConfirm("eve@rocket-users.test", null, null);
        String cydStatus = signUpAndConfirm("cyd@rocket-users.test", null, null);
        String gusStatus = signUpAndConfirm("gus@rocket-users.test", null, null);
        assertThat(http.postJson("/api/v1/waitlists/launch/signups",
                "{\"email\": \"fay@rocket-users.test\"}").status()).isEqualTo(202);
        String fayCode = stack.db().fetchValue(SIGNUP.REFERRAL_CODE, SIGNUP.EMAIL.eq("fay@rocket-users.test"));

        signUpAndConfirm("friend1@rocket-users.test", null, referralCode(bobStatus));
        signUpAndConfirm("friend2@rocket-users.test", null, referralCode(adaStatus));
        signUpAndConfirm("friend3@rocket-users.test", null, referralCode(cydStatus));
        signUpAndConfirm("friend4@rocket-users.test", null, referralCode(bobStatus));
        signUpAndConfirm("friend5@rocket-users.test", null, referralCode(eveStatus));
        signUpAndConfirm("friend6@rocket-users.test", null, fayCode);
        signUpAndConfirm("friend7@rocket-users.test", null, referralCode(gusStatus));
        signUpAndConfirm("friend8@rocket-users.test", null, fayCode);
        halStatus = signUpAndConfirm("hal@rocket-users.test", null, null);
        assertThat(http.postJson("/api/v1/unsubscribe?token=" + token(unsubscribeLink("eve@rocket-users.test")), "{}",
                "Accept", "application/json").status()).isEqualTo(200);
        // the status lookups above read the board along the way: let that reading (1 s) run out
        Thread.sleep(1_100);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void the_top_referrers_are_ranked_by_confirmed_referrals_then_earliest_confirmation() {
        // Cyd and Gus tie with Ada at one; Ada and Cyd confirmed earlier, and only three are shown.
        // Not on it: Eve (unsubscribed), who confirmed before Cyd, and Fay (never confirmed), who
        // has as many referrals as Bob.
        assertThat(entries(currentBoard())).containsExactly(
                "1 b***@r***.test 2",
                "2 Ada L. 1",
                "3 c***@r***.test 1");
    }

    @Test
    void a_smoke_check_signup_is_never_on_it_whatever_its_counts_say() throws InterruptedException {
        List<String> before = entries(currentBoard());
        long smoke = stack.db().insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, "launch")
                .set(SIGNUP.EMAIL, "smoke+1@rocket-users.test")
                .set(SIGNUP.EMAIL_KEY, "smoke+1@rocket-users.test")
                .set(SIGNUP.REFERRAL_CODE, "smoke0000001")
                .set(SIGNUP.IS_TEST, true)
                .set(SIGNUP.CONFIRMED_AT, java.time.OffsetDateTime.now())
                .set(SIGNUP.CONFIRMED_REFERRALS, 99)
                .returning(SIGNUP.ID)
                .fetchSingle(SIGNUP.ID);
        try {
            Thread.sleep(1_100); // past the test stack's 1 s cache
            assertThat(entries(currentBoard())).isEqualTo(before);
        } finally {
            stack.db().deleteFrom(SIGNUP).where(SIGNUP.ID.eq(smoke)).execute();
        }
    }

    @Test
    void nobody_appears_under_their_address_or_their_name_unless_they_chose_it() {
        Http.Response board = http.get("/api/v1/waitlists/launch/leaderboard");
        Http.Response page = http.getHtml("/status?token=" + halStatus);
        for (String published : List.of(board.body(), page.body())) {
            assertThat(published).doesNotContain("@rocket-users.test", "bob.builder", "Bob Builder", "Ada Lovelace");
        }
    }

    @Test
    void a_repeat_signup_does_not_change_the_name_chosen_the_first_time() {
        assertThat(http.postJson("/api/v1/waitlists/launch/signups",
                "{\"email\": \"ada@rocket-users.test\", \"leaderboard_name\": \"Someone Else\"}").status())
                .isEqualTo(202);
        assertThat(stack.db().fetchValue(SIGNUP.LEADERBOARD_NAME, SIGNUP.EMAIL.eq("ada@rocket-users.test")))
                .isEqualTo("Ada L.");
    }

    @Test
    void the_board_may_be_cached_by_browsers_and_cdns_for_at_most_the_rest_of_the_period() {
        Http.Response board = http.request("GET", "/api/v1/waitlists/launch/leaderboard",
                "Origin", "https://rocket.test");
        assertThat(board.status()).isEqualTo(200);
        assertThat(board.header("Cache-Control")).matches("public, max-age=[01]");
        assertThat(board.header("Vary")).isEqualTo("Origin");
        // the waitlist's own landing page may read it from the browser
        assertThat(board.header("Access-Control-Allow-Origin")).isEqualTo("https://rocket.test");
    }

    @Test
    void the_status_shows_the_board_and_your_own_place_on_it() {
        assertThat(http.get("/api/v1/status?token=" + adaStatus).json().get("leaderboard_rank").asInt()).isEqualTo(2);
        assertThat(http.get("/api/v1/status?token=" + halStatus).json().get("leaderboard_rank").isNull()).isTrue();

        String adaPage = http.getHtml("/status?token=" + adaStatus).body();
        assertThat(adaPage).contains("<table id=\"leaderboard\">")
                .contains("<tr class=\"you\"><td>2</td><td>Ada L. <strong>(you)</strong></td><td>1</td></tr>");
        String halPage = http.getHtml("/status?token=" + halStatus).body();
        assertThat(halPage).contains("<td>Ada L.</td>").doesNotContain("(you)");
    }

    @Test
    void a_waitlist_without_a_leaderboard_shows_none_on_the_status_page() {
        try (TestStack instant = TestStack.start()) {
            instant.http().postJson("/api/v1/waitlists/instant/signups", "{\"email\": \"ivy@instant-users.test\"}");
            String status = token(link(instant.awaitMailTo("ivy@instant-users.test", "You're #"), "/status"));
            assertThat(instant.http().getHtml("/status?token=" + status).body()).doesNotContain("Top referrers");
            assertThat(instant.http().get("/api/v1/status?token=" + status).json().get("leaderboard_rank").isNull())
                    .isTrue();
        }
    }

    @Test
    void an_erased_person_leaves_the_board_within_one_cache_period() {
        List<String> before = entries(currentBoard());
        String kimStatus = signUpAndConfirm("kim@rocket-users.test", "\"leaderboard_name\": \"Kim\"", null);
        for (int friend = 1; friend <= 3; friend++) {
            signUpAndConfirm("kim-friend" + friend + "@rocket-users.test", null, referralCode(kimStatus));
        }
        // the test stack caches the board for 1 s
        awaitBoard(board -> board.getFirst().equals("1 Kim 3"));

        String erasure = token(unsubscribeLink("kim@rocket-users.test"));
        assertThat(http.postJson("/api/v1/erasure", "{\"token\": \"" + erasure + "\"}").status()).isEqualTo(200);

        awaitBoard(board -> board.equals(before));
    }

    @Test
    void the_query_reads_the_partial_index_in_its_order_instead_of_sorting_the_waitlist() {
        String plan = stack.db().transactionResult(configuration -> {
            var tx = configuration.dsl();
            // a test table is too small for the planner to bother with an index unless told to avoid the rest
            tx.execute("set local enable_seqscan = off");
            tx.execute("set local enable_bitmapscan = off");
            tx.execute("set local enable_sort = off");
            String sql = new LeaderboardRepository().query(tx, "launch", 10).getSQL(ParamType.INLINED);
            return String.join("\n", tx.fetch("explain " + sql).getValues(0, String.class));
        });
        assertThat(plan).contains("signup_leaderboard_idx").doesNotContain("Sort");
    }

    private static JsonNode currentBoard() {
        Http.Response board = http.get("/api/v1/waitlists/launch/leaderboard");
        assertThat(board.status()).isEqualTo(200);
        return board.json();
    }

    private static void awaitBoard(Predicate<List<String>> expected) {
        Eventually.get(() -> expected.test(entries(currentBoard())) ? Optional.of(true) : Optional.empty(),
                Duration.ofSeconds(5));
    }

    private static List<String> entries(JsonNode board) {
        List<String> entries = new ArrayList<>();
        board.get("entries").forEach(entry -> entries.add(entry.get("rank").asInt() + " "
                + entry.get("display_name").asText() + " " + entry.get("referrals").asInt()));
        return entries;
    }

    /** Signs up (with the extra JSON fields), confirms through the emailed link, returns the status token. */
    private static String signUpAndConfirm(String email, String extraFields, String referralCode) {
        String body = "{\"email\": \"" + email + "\""
                + (extraFields == null ? "" : ", " + extraFields)
                + (referralCode == null ? "" : ", \"referral_code\": \"" + referralCode + "\"") + "}";
        assertThat(http.postJson("/api/v1/waitlists/launch/signups", body).status()).isEqualTo(202);
        String confirm = token(link(stack.awaitMailTo(email, "Confirm your spot"), "/confirm"));
        assertThat(http.postForm("/confirm", "token=" + confirm).status()).isEqualTo(200);
        return token(link(stack.awaitMailTo(email, "You're #"), "/status"));
    }

    private static String referralCode(String statusToken) {
        String link = http.get("/api/v1/status?token=" + statusToken).json().get("referral_link").asText();
        return link.substring(link.indexOf("ref=") + 4);
    }

    private static String unsubscribeLink(String email) {
        return stack.awaitMailTo(email, "You're #").listUnsubscribe().replaceAll("^<|>$", "");
    }

    private static String link(CapturedMail mail, String path) {
        return mail.links().stream().filter(link -> link.contains(path + "?")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + path + " link in " + mail.text()));
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }
}
