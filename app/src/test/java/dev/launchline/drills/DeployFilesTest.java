package dev.launchline.drills;

import dev.launchline.support.Runbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What can be checked of deploy/ without a host: the scripts pass shellcheck and refuse bad usage
 * with 64, HAProxy accepts its configuration, systemd accepts the unit, and the Dockerfile (Docker
 * cannot build here) runs as a non-root user, checks /readyz, and starts the jar and AOT cache its
 * build stage writes, with the fixed heap the operations guide asks for.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Runbook.repository().resolve("deploy");

    @Test
    void the_scripts_pass_shellcheck() {
        assumeTrue(installed("shellcheck"), "shellcheck is not installed (apt-get install shellcheck)");
        Runbook.Outcome checked = bash("shellcheck deploy/*.sh .mvn/*.sh .ci/run mvnw");
        assertThat(checked.exitCode()).as(checked.output()).isZero();
    }

    @Test
    void the_scripts_refuse_bad_usage_with_64_before_touching_anything() {
        assertThat(bash("deploy/rolling-restart.sh").exitCode()).isEqualTo(64);
        Runbook.Outcome release = bash("deploy/build-release.sh latest");
        assertThat(release.exitCode()).isEqualTo(64);
        assertThat(release.output()).contains("usage: deploy/build-release.sh VERSION");
    }

    @Test
    void a_release_set_holds_its_changelog_section_and_checksums_of_everything_in_it(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("launchline.jar"), "stands in for the jar: the script only copies it");
        Map<String, String> env = Map.of("LAUNCHLINE_JAR", jar.toString(), "AOT", "skip", "SBOM", "skip");
        Runbook.Outcome built = Runbook.bash("deploy/build-release.sh 0.1.0", env, Runbook.repository(), Duration.ofMinutes(1));
        assertThat(built.exitCode()).as(built.output()).isZero();

        Path set = Runbook.repository().resolve("dist/launchline-0.1.0");
        String changelog = Files.readString(set.resolve("CHANGELOG.md"));
        assertThat(changelog).startsWith("## [0.1.0]").doesNotContain("[Unreleased]", "# Changelog");
        Runbook.Outcome checked = Runbook.bash("cd dist/launchline-0.1.0 && sha256sum -c SHA256SUMS", Map.of(),
                Runbook.repository(), Duration.ofSeconds(30));
        assertThat(checked.output()).contains("launchline.jar: OK", "rolling-restart.sh: OK", "launchline@.service: OK",
                "haproxy.cfg: OK", "CHANGELOG.md: OK");
        assertThat(bash("tar -tzf dist/launchline-0.1.0.tar.gz").output())
                .contains("launchline-0.1.0/launchline.jar", "launchline-0.1.0/SHA256SUMS");

        Runbook.Outcome unknown = Runbook.bash("deploy/build-release.sh 9.9.9", env, Runbook.repository(), Duration.ofMinutes(1));
        assertThat(unknown.exitCode()).as("a version without its changelog section").isEqualTo(1);
        assertThat(unknown.output()).contains("CHANGELOG.md has no section '## [9.9.9]'");
        bash("rm -rf dist/launchline-9.9.9 dist/launchline-0.1.0 dist/launchline-0.1.0.tar.gz");
    }

    @Test
    void haproxy_accepts_its_configuration(@TempDir Path dir) {
        assumeTrue(installed("haproxy") && installed("openssl"), "haproxy or openssl is not installed");
        Runbook.Outcome checked = Runbook.bash("""
                openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout "$DIR/k.pem" -out "$DIR/c.pem" 2>/dev/null
                cat "$DIR/c.pem" "$DIR/k.pem" > "$DIR/origin.pem"
                LB_CERT="$DIR/origin.pem" HAPROXY_SOCKET="$DIR/admin.sock" haproxy -c -f deploy/haproxy/haproxy.cfg
                """, Map.of("DIR", dir.toString()), Runbook.repository(), Duration.ofSeconds(30));
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).contains("Configuration file is valid");
    }

    @Test
    void systemd_accepts_the_unit_without_a_warning(@TempDir Path dir) throws Exception {
        assumeTrue(installed("systemd-analyze"), "systemd-analyze is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "the unit starts /usr/bin/java, which this machine lacks");
        // an instance of the template, as systemctl start launchline@1 makes it
        Files.copy(DEPLOY.resolve("systemd/launchline@.service"), dir.resolve("launchline@1.service"));
        Runbook.Outcome verified = Runbook.bash("systemd-analyze verify \"$DIR/launchline@1.service\"",
                Map.of("DIR", dir.toString()), Runbook.repository(), Duration.ofSeconds(30));
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output()).as("systemd ignores what it cannot parse, with a warning").isBlank();
        String unit = Files.readString(dir.resolve("launchline@1.service"));
        assertThat(unit).contains("User=launchline", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "EnvironmentFile=/etc/launchline/launchline.env", "SHUTDOWN_DRAIN_SECONDS=", "-Xms512m -Xmx512m");
    }

    @Test
    void the_dockerfile_runs_what_its_build_stage_writes_as_a_non_root_user() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        List<String> stages = Arrays.asList(dockerfile.split("(?m)^FROM "));
        assertThat(stages).as("a build stage and a runtime stage").hasSize(3); // text before the first FROM, then two
        String build = stages.get(1);
        String runtime = stages.get(2);

        assertThat(build).startsWith("eclipse-temurin:25-jdk AS build");
        assertThat(runtime).startsWith("eclipse-temurin:25-jre").as("the cache needs the same JDK release");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(runtime);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).isNotIn("root", "0");
        assertThat(runtime).containsPattern("(?m)^HEALTHCHECK .*\\n?.*curl -fsS .*/readyz");

        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]").matcher(runtime);
        assertThat(entrypoint.find()).isTrue();
        String command = entrypoint.group(1);
        assertThat(command).contains("\"-Xms512m\", \"-Xmx512m\"", "\"-XX:MaxTenuringThreshold=1\"");
        String cache = group(command, "-XX:AOTCache=([^\"]+)");
        String jar = group(command, "\"-jar\", \"([^\"]+)\"");
        assertThat(build).as("the build stage trains the cache on the jar at the path it runs from")
                .contains("cp app/target/launchline.jar " + jar)
                .contains("-Dexec.args=\"" + jar + " " + cache + "\"");
        assertThat(runtime).contains("COPY --from=build --chown=root:root " + jar + " " + cache + " ");
        // what the build stage runs exists in the repository
        assertThat(Runbook.repository().resolve("mvnw")).exists();
        assertThat(Files.readString(Runbook.repository().resolve("app/dev-stack/pom.xml"))).contains("<id>aot-train</id>");
        assertThat(Files.readString(Runbook.repository().resolve(".dockerignore"))).contains("**/target/", "**/node_modules/");
    }

    private static String group(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(regex + " in " + text).isTrue();
        return matcher.group(1);
    }

    private static Runbook.Outcome bash(String command) {
        return Runbook.bash(command, Map.of(), Runbook.repository(), Duration.ofSeconds(60));
    }

    private static boolean installed(String tool) {
        return bash("command -v " + tool).exitCode() == 0;
    }
}
