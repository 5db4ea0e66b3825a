package dev.launchline.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessTest {

    @Test
    void not_ready_while_migrations_are_pending_and_ready_with_the_new_version_once_they_ran() {
        try (TestStack stack = TestStack.start(Map.of("MIGRATE_ON_START", "false"))) {
            Http.Response pending = stack.http().get("/readyz");
            assertThat(pending.status()).isEqualTo(503);
            JsonNode before = pending.json();
            assertThat(before.at("/status").asText()).isEqualTo("not_ready");
            assertThat(before.at("/checks/database/status").asText()).isEqualTo("up");
            assertThat(before.at("/checks/migrations/status").asText()).isEqualTo("pending");
            assertThat(before.at("/checks/migrations/pending").asInt()).isGreaterThan(10);
            assertThat(before.at("/checks/migrations/version").asText()).isEqualTo("none");

            stack.service().database().migrate(); // as `launchline migrate` would, from outside

            Http.Response ready = stack.http().get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().at("/checks/migrations/pending").asInt()).isZero();
            assertThat(ready.json().at("/checks/migrations/version").asText()).isEqualTo(newestMigration());
        }
    }

    /** The highest V<n>__ among the migrations the service ships. */
    private static String newestMigration() {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return String.valueOf(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("V\\d+__.*\\.sql"))
                    .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max().orElseThrow());
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
