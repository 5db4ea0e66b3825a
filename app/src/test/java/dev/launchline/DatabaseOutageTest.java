package dev.launchline;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With the database gone the service stays alive, reports not-ready, and answers 503 honestly. */
class DatabaseOutageTest {

    @Test
    void without_a_database_signups_get_503_with_retry_after_and_readiness_fails_but_liveness_holds() {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + TestStack.freePort() + "/launchline";
        try (TestStack stack = TestStack.start(Map.of("DATABASE_URL", nowhere, "MIGRATE_ON_START", "false"))) {
            assertThat(stack.http().get("/healthz").status()).isEqualTo(200);
            Http.Response ready = stack.http().get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/checks/database/status").asText()).isEqualTo("down");

            Http.Response signup = stack.http().postJson("/api/v1/waitlists/launch/signups",
                    "{\"email\": \"during-outage@rocket-users.test\"}");
            assertThat(signup.status()).isEqualTo(503);
            assertThat(signup.header("Retry-After")).isEqualTo("5");
            assertThat(signup.json().at("/error/code").asText()).isEqualTo("service_unavailable");
            assertThat(signup.body()).doesNotContain("Exception", "jdbc:", "127.0.0.1");
        }
    }
}
