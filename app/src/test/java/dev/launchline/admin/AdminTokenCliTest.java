package dev.launchline.admin;

import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code launchline admin-token create | list | revoke}, through Main's own entry point. */
class AdminTokenCliTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(AdminClient.TRUSTING_LOCALHOST);
    private static AdminClient admin;

    @BeforeAll
    static void connectTheAdminClient() {
        admin = new AdminClient(stack.testStack());
    }

    @Test
    void create_prints_the_token_once_with_a_warning_and_the_token_works() {
        AdminClient.Cli created = admin.cli("admin-token", "create", "--name", "ci-exporter", "--scope", "read");

        assertThat(created.exitCode()).isZero();
        String[] lines = created.out().split("\n");
        assertThat(lines).as("stdout holds the token alone: `create ... > token-file`").hasSize(1);
        assertThat(lines[0]).startsWith(AdminTokens.PREFIX).hasSize(AdminTokens.PREFIX.length() + 43);
        assertThat(created.err()).contains("cannot be shown again");
        assertThat(admin.get(lines[0], "/api/v1/admin/signups").status()).isEqualTo(200);
        assertThat(stack.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.ACTION.eq("admin_token.create")
                .and(ADMIN_AUDIT.TARGET.eq("admin_token:ci-exporter")))).isEqualTo(1);
    }

    @Test
    void list_shows_names_scopes_and_times_but_never_a_secret_or_hash() {
        String secret = admin.issue("listed-writer", "write");
        admin.get(secret, "/api/v1/admin/signups");

        AdminClient.Cli listed = admin.cli("admin-token", "list");

        assertThat(listed.exitCode()).isZero();
        String line = listed.out().lines().filter(l -> l.startsWith("listed-writer ")).findFirst().orElseThrow();
        assertThat(line).contains(" write ").doesNotContain("never");
        assertThat(listed.out()).doesNotContain(secret.substring(AdminTokens.PREFIX.length()))
                .doesNotContain(AdminTokens.sha256(secret));
    }

    @Test
    void revoke_stops_the_token_at_once_and_shows_in_the_list() {
        String secret = admin.issue("leaked", "write");
        assertThat(admin.get(secret, "/api/v1/admin/signups").status()).isEqualTo(200);

        AdminClient.Cli revoked = admin.cli("admin-token", "revoke", "--name", "leaked");

        assertThat(revoked.exitCode()).isZero();
        assertThat(admin.get(secret, "/api/v1/admin/signups").status()).isEqualTo(401);
        String line = admin.cli("admin-token", "list").out().lines()
                .filter(l -> l.startsWith("leaked ")).findFirst().orElseThrow();
        assertThat(line).doesNotEndWith("-");
        // the name is free again for a new token
        assertThat(admin.cli("admin-token", "create", "--name", "leaked", "--scope", "read").exitCode()).isZero();
    }

    @Test
    void a_second_active_token_with_the_same_name_is_refused() {
        admin.issue("twice", "read");
        AdminClient.Cli again = admin.cli("admin-token", "create", "--name", "twice", "--scope", "read");
        assertThat(again.exitCode()).isEqualTo(64);
        assertThat(again.err()).contains("already exists");
        assertThat(again.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "rotate", "create", "create --name x", "create --name x --scope admin", "create --scope read",
            "create --name bad/name --scope read", "revoke", "revoke --name never-existed", "list --all yes",
            "create --name x --scope read --name y"})
    void usage_mistakes_exit_64_and_print_nothing_on_stdout(String words) {
        String[] args = ("admin-token " + words).trim().split(" ");
        AdminClient.Cli result = admin.cli(args);
        assertThat(result.exitCode()).as(result.err()).isEqualTo(64);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isNotBlank();
    }

    @Test
    void without_database_url_the_cli_uses_the_embedded_dev_database_like_the_service() {
        Map<String, String> env = new HashMap<>(stack.env());
        env.remove("DATABASE_URL");
        env.put("EMBEDDED_DATA_DIR", Path.of("target", "admin-cli-embedded").toAbsolutePath().toString());

        String name = "embedded-" + UUID.randomUUID(); // the embedded data directory outlives the test run
        AdminClient.Cli created = AdminClient.cli(env, "admin-token", "create", "--name", name, "--scope", "read");
        AdminClient.Cli listed = AdminClient.cli(env, "admin-token", "list");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(listed.out()).contains(name + " ");
        // a different database from the stack's: the token is not there
        assertThat(admin.get(created.out().lines().findFirst().orElseThrow(), "/api/v1/admin/signups").status())
                .isEqualTo(401);
    }

    @Test
    void an_invalid_configuration_exits_78_naming_the_variable() {
        Map<String, String> env = new HashMap<>(stack.env());
        env.put("DATABASE_URL", "mysql://nope");
        AdminClient.Cli result = AdminClient.cli(env, "admin-token", "list");
        assertThat(result.exitCode()).isEqualTo(78);
        assertThat(result.err()).contains("DATABASE_URL");
    }
}
