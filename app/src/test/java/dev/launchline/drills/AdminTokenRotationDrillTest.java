package dev.launchline.drills;

import dev.launchline.support.Http;
import dev.launchline.support.Runbook;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * runbooks/rotate-secrets.md, admin tokens, its drill= steps as written with the built jar against
 * a running service's database, while a client polls the admin API every 20 ms with whatever
 * token its file holds (as the smoke check reads SMOKE_ADMIN_TOKEN_FILE): the client never gets a
 * 401, and afterwards the old token does.
 */
class AdminTokenRotationDrillTest {

    @Test
    void a_client_polling_through_the_rotation_never_gets_a_401(@TempDir Path dir) throws Exception {
        Path jar = Runbook.repository().resolve("app/target/launchline.jar");
        assumeTrue(Files.exists(jar), "app/target/launchline.jar is not built (drills run after package, in failsafe)");
        Path current = Files.createDirectories(dir.resolve("opt/launchline/current"));
        Files.createSymbolicLink(current.resolve("launchline.jar"), jar);

        try (TestStack stack = TestStack.start()) {
            Map<String, String> env = new HashMap<>(stack.env()); // the service's own configuration, as its env file holds it
            env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
            env.put("LAUNCHLINE_HOME", current.getParent().toString());
            env.put("OLD_TOKEN_NAME", "deploy-2026-10");
            env.put("NEW_TOKEN_NAME", "deploy-2026-12");
            env.put("NEW_TOKEN_FILE", dir.resolve("new_admin_token").toString());
            Path clientTokenFile = dir.resolve("client_admin_token");
            env.put("CLIENT_TOKEN_FILE", clientTokenFile.toString());

            // the token in use before the rotation, made the same way
            Runbook.bashOk("java -jar \"$LAUNCHLINE_HOME/current/launchline.jar\" admin-token create "
                    + "--name \"$OLD_TOKEN_NAME\" --scope write > \"$CLIENT_TOKEN_FILE\"", env, Duration.ofMinutes(1));
            String oldToken = Files.readString(clientTokenFile).strip();

            AtomicInteger polls = new AtomicInteger();
            AtomicInteger unauthorized = new AtomicInteger();
            Thread client = Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    int status = stack.http().request("GET", "/api/v1/admin/signups",
                            "Authorization", "Bearer " + readToken(clientTokenFile)).status();
                    polls.incrementAndGet();
                    if (status == 401) {
                        unauthorized.incrementAndGet();
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            });

            Runbook rotation = Runbook.load("rotate-secrets.md");
            rotation.runOk("admin-token-create", env, Runbook.repository(), Duration.ofMinutes(1));
            assertThat(Files.readString(dir.resolve("new_admin_token")).strip()).startsWith("lla_").doesNotContain("\n");
            rotation.runOk("admin-token-switch", env, Runbook.repository(), Duration.ofSeconds(10));
            Thread.sleep(500);
            assertThat(rotation.runOk("admin-token-revoke", env, Runbook.repository(), Duration.ofMinutes(1)))
                    .contains("revoked");
            Thread.sleep(1_000);
            client.interrupt();
            client.join();

            Http.Response withTheOld = stack.http().request("GET", "/api/v1/admin/signups", "Authorization", "Bearer " + oldToken);
            System.out.println("drill admin-token-rotation: " + polls.get() + " polls through the rotation, "
                    + unauthorized.get() + " refused; the old token afterwards: " + withTheOld.status());
            assertThat(unauthorized.get()).isZero();
            assertThat(polls.get()).isGreaterThan(20);
            assertThat(withTheOld.status()).isEqualTo(401);
        }
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException unreadable) { // counted as the 401 it gets
            return "";
        }
    }
}
