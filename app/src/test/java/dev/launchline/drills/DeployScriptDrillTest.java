package dev.launchline.drills;

import dev.launchline.support.DrillHost;
import dev.launchline.support.Runbook;
import dev.launchline.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/deploy.sh, what the deploy workflow runs, on a local host: DEPLOY_SHELL is "bash -c"
 * instead of ssh, everything else as in production (the release sets, the runbooks' steps read by
 * the script, two instances behind HAProxy, the smoke check through it). A first release goes
 * live; then a bad one (a confirmation template that does not compile: the instances start and
 * are ready, the first confirmation fails) fails its smoke check and the script puts the first
 * one back by itself, exiting 1.
 */
class DeployScriptDrillTest {

    @Test
    void a_release_that_fails_its_smoke_check_is_replaced_by_the_previous_one(@TempDir Path dir) throws Exception {
        String database = TestDatabases.fresh();
        try (DrillHost host = DrillHost.prepare(dir, new DrillHost.AdminDatabase(database, "postgres", ""),
                Map.of("DATABASE_URL", database, "DATABASE_USER", "postgres"))) {
            Map<String, String> env = new HashMap<>(host.env());
            env.put("DEPLOY_SHELL", "bash -c");
            env.put("DEPLOY_HOST_VARIABLES", "PATH HAPROXY_SOCKET RESTART_COMMAND INSTANCE_URL DRILL_RUN PORT_PREFIX "
                    + "CURL_CA_BUNDLE JAVA_TOOL_OPTIONS");
            // the host as smoke-check.md's preconditions leave it: the schema there, a token for the check
            Runbook.bashOk("""
                    java -jar app/target/launchline.jar migrate
                    java -jar app/target/launchline.jar admin-token create --name smoke-monitor --scope write > "$SMOKE_ADMIN_TOKEN_FILE"
                    """, env, Duration.ofMinutes(1));
            host.startBalancer();

            Runbook.Outcome first = Runbook.bash("deploy/deploy.sh " + DrillHost.RELEASE, env, Runbook.repository(),
                    Duration.ofMinutes(4));
            System.out.println(first.output());
            assertThat(first.exitCode()).as(first.output() + "\n" + host.logs()).isZero();
            assertThat(first.output()).contains("running now: nothing", "0.1.0 is live and passed the smoke check");

            String bad = "0.1.1-broken-template";
            Runbook.bashOk("""
                    cd dist && rm -rf "launchline-$BAD" && cp -r "launchline-$RELEASE" "launchline-$BAD"
                    mkdir -p "$BAD-patch/templates/email"
                    printf 'Confirm {{#unclosed}}\\n' > "$BAD-patch/templates/email/confirm_signup.subject.mustache"
                    jar uf "launchline-$BAD/launchline.jar" -C "$BAD-patch" templates/email/confirm_signup.subject.mustache
                    (cd "launchline-$BAD" && sha256sum -- $(ls | grep -v SHA256SUMS) > SHA256SUMS)
                    tar -czf "launchline-$BAD.tar.gz" "launchline-$BAD" && rm -rf "$BAD-patch"
                    """, with(env, "BAD", bad), Duration.ofMinutes(1));

            Runbook.Outcome second = Runbook.bash("deploy/deploy.sh " + bad, env, Runbook.repository(), Duration.ofMinutes(6));
            System.out.println(second.output());
            Runbook.bashOk("rm -rf \"dist/launchline-$BAD\" \"dist/launchline-$BAD.tar.gz\"", with(env, "BAD", bad),
                    Duration.ofSeconds(10));
            assertThat(second.exitCode()).as(second.output() + "\n" + host.logs()).isEqualTo(1);
            assertThat(second.output()).contains("running now: 0.1.0", "smoke FAILED",
                    "failed: rolling back to 0.1.0", "rolled back: 0.1.0 is live again and passed the smoke check");
            assertThat(Files.readSymbolicLink(Path.of(env.get("LAUNCHLINE_HOME"), "current")).toString())
                    .isEqualTo("releases/launchline-0.1.0");
            System.out.println("drill deploy-script: 0.1.0 deployed (exit 0); " + bad
                    + " failed its smoke check and 0.1.0 was restored by the script (exit 1)");
        }
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return more;
    }
}
