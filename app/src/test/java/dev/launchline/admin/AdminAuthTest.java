package dev.launchline.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.jooq.Record;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.ADMIN_TOKEN;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Who gets into the admin API, and what a guesser gets instead. */
class AdminAuthTest {
    private static final int FAILURE_LIMIT = 4;

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(guessersLockedOutAfter(FAILURE_LIMIT));
    private static AdminClient admin;

    private static Map<String, String> guessersLockedOutAfter(int failures) {
        Map<String, String> env = new HashMap<>(AdminClient.TRUSTING_LOCALHOST);
        env.put("ADMIN_AUTH_FAILURE_LIMIT", String.valueOf(failures));
        env.put("ADMIN_AUTH_FAILURE_WINDOW_SECONDS", "3600");
        return env;
    }

    @BeforeAll
    static void connectTheAdminClient() {
        admin = new AdminClient(stack.testStack());
    }

    @Test
    void a_request_without_a_token_is_401_with_a_bearer_challenge() {
        Http.Response response = admin.get(null, "/api/v1/admin/signups");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void a_wrong_or_malformed_token_is_401() {
        String wellFormedButUnknown = "lla_" + "A".repeat(43);
        for (String token : List.of(wellFormedButUnknown, "not-a-token", "lla_short")) {
            Http.Response response = admin.get(token, "/api/v1/admin/signups");
            assertThat(response.status()).as(token).isEqualTo(401);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("unauthorized");
            assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        }
        Http.Response basic = stack.http().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(stack.http().base() + "/api/v1/admin/signups"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4=").GET());
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void unknown_admin_paths_are_behind_the_same_gate() {
        assertThat(admin.get(null, "/api/v1/admin/nothing-here").status()).isEqualTo(401);
    }

    @Test
    void a_read_token_reads_but_gets_403_on_a_write_route_and_changes_nothing() {
        String read = admin.issue("reader", "read");
        long id = admin.signup("launch", "read-only@auth.test", null, null).getId();

        assertThat(admin.get(read, "/api/v1/admin/signups/" + id).status()).isEqualTo(200);
        Http.Response invite = admin.post(read, "/api/v1/admin/signups/" + id + "/invite");
        assertThat(invite.status()).isEqualTo(403);
        assertThat(invite.json().at("/error/code").asText()).isEqualTo("forbidden");
        Http.Response erase = admin.delete(read, "/api/v1/admin/signups/" + id);
        assertThat(erase.status()).isEqualTo(403);

        assertThat(stack.db().fetchOne(SIGNUP, SIGNUP.ID.eq(id)).getInvitedAt()).isNull();
        assertThat(stack.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.TARGET.eq("signup:" + id))).isZero();
    }

    @Test
    void a_write_token_reads_and_writes() {
        String write = admin.issue("writer", "write");
        long id = admin.signup("launch", "writable@auth.test", null, null).getId();
        assertThat(admin.get(write, "/api/v1/admin/signups/" + id).status()).isEqualTo(200);
        assertThat(admin.post(write, "/api/v1/admin/signups/" + id + "/invite").status()).isEqualTo(200);
    }

    @Test
    void two_tokens_work_side_by_side_and_revoking_the_old_one_leaves_the_new_one_working() {
        String old = admin.issue("deploy-2026-10", "write");
        String fresh = admin.issue("deploy-2026-11", "write");
        assertThat(admin.get(old, "/api/v1/admin/signups").status()).isEqualTo(200);
        assertThat(admin.get(fresh, "/api/v1/admin/signups").status()).isEqualTo(200);

        assertThat(admin.cli("admin-token", "revoke", "--name", "deploy-2026-10").exitCode()).isZero();

        assertThat(admin.get(old, "/api/v1/admin/signups").status()).isEqualTo(401);
        assertThat(admin.get(fresh, "/api/v1/admin/signups").status()).isEqualTo(200);
    }

    @Test
    void guessing_from_one_ip_gets_429_and_then_not_even_a_correct_token_from_there_but_other_ips_are_unaffected() {
        String good = admin.issue("brute-force-bystander", "read");
        String attacker = AdminClient.freshIp();
        for (int attempt = 0; attempt < FAILURE_LIMIT; attempt++) {
            assertThat(admin.send("lla_" + "B".repeat(42) + attempt, attacker, "GET", "/api/v1/admin/signups").status())
                    .isEqualTo(401);
        }
        Http.Response limited = admin.send("lla_" + "C".repeat(43), attacker, "GET", "/api/v1/admin/signups");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().at("/error/code").asText()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();

        // refused before the lookup: the right token from the attacker's address is refused too
        assertThat(admin.send(good, attacker, "GET", "/api/v1/admin/signups").status()).isEqualTo(429);
        // and the rightful admin elsewhere is not locked out
        assertThat(admin.send(good, AdminClient.freshIp(), "GET", "/api/v1/admin/signups").status()).isEqualTo(200);
    }

    @Test
    void a_correct_request_does_not_count_as_a_failure() {
        String good = admin.issue("frequent-reader", "read");
        String ip = AdminClient.freshIp();
        for (int i = 0; i < FAILURE_LIMIT * 3; i++) {
            assertThat(admin.send(good, ip, "GET", "/api/v1/admin/audit").status()).isEqualTo(200);
        }
    }

    @Test
    void only_a_hash_of_the_token_is_stored_and_the_secret_appears_in_no_table() {
        String secret = admin.issue("hash-only", "write");
        admin.get(secret, "/api/v1/admin/signups"); // used once: last_used_at, nothing else

        var row = stack.db().fetchOne(ADMIN_TOKEN, ADMIN_TOKEN.NAME.eq("hash-only"));
        assertThat(row.getTokenHash()).isEqualTo(AdminTokens.sha256(secret)).hasSize(64);
        assertThat(row.getLastUsedAt()).isNotNull();
        String randomPart = secret.substring(AdminTokens.PREFIX.length());
        List<String> tables = stack.db().fetch("select tablename from pg_tables where schemaname = 'public'")
                .getValues(0, String.class);
        assertThat(tables).contains("admin_token", "admin_audit", "signup");
        for (String table : tables) {
            for (Record everyRow : stack.db().fetch("select t::text from " + table + " t")) {
                assertThat(everyRow.get(0, String.class)).as(table).doesNotContain(randomPart);
            }
        }
    }

    @Test
    void tokens_good_or_bad_and_the_addresses_admins_touch_never_reach_the_logs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            String good = admin.issue("logged-nowhere", "write");
            String bad = "lla_" + "Z".repeat(43);
            long id = admin.signup("launch", "secret-person@logs.test", null, null).getId();
            admin.get(good, "/api/v1/admin/signups?email=secret-person@logs.test");
            admin.get(good, "/api/v1/admin/signups/export?email_contains=secret-person");
            admin.post(good, "/api/v1/admin/signups/" + id + "/resend-confirmation");
            admin.delete(good, "/api/v1/admin/signups/" + id);
            String attacker = AdminClient.freshIp();
            for (int i = 0; i <= FAILURE_LIMIT; i++) {
                admin.send(bad, attacker, "GET", "/api/v1/admin/signups");
            }

            String logs = captured.list.stream()
                    .map(event -> event.getFormattedMessage() + " " + event.getMDCPropertyMap())
                    .collect(Collectors.joining("\n"));
            assertThat(logs).contains("erased signup " + id)
                    .doesNotContain(good.substring(4), bad.substring(4), AdminTokens.sha256(good), "secret-person",
                            attacker);
        } finally {
            root.detachAppender(captured);
        }
    }

    @Test
    void a_token_used_many_times_within_a_minute_records_its_last_use_once() {
        String secret = admin.issue("chatty", "read");
        admin.get(secret, "/api/v1/admin/signups");
        var firstUse = stack.db().fetchValue(ADMIN_TOKEN.LAST_USED_AT, ADMIN_TOKEN.NAME.eq("chatty"));
        admin.get(secret, "/api/v1/admin/signups");
        admin.get(secret, "/api/v1/admin/signups");
        assertThat(firstUse).isNotNull();
        assertThat(stack.db().fetchValue(ADMIN_TOKEN.LAST_USED_AT, ADMIN_TOKEN.NAME.eq("chatty"))).isEqualTo(firstUse);
    }
}
