package dev.launchline;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulShutdownTest {

    @Test
    void a_signup_in_flight_when_shutdown_starts_completes_and_is_stored() throws Exception {
        TestStack stack = TestStack.start();
        String url = stack.env().get("DATABASE_URL");
        try (Connection blocker = DriverManager.getConnection(url, "postgres", "");
             Statement statement = blocker.createStatement()) {
            // hold the signup table so the request below is caught mid-transaction
            blocker.setAutoCommit(false);
            statement.execute("lock table signup in exclusive mode");
            CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(() ->
                    stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"in-flight@rocket-users.test\"}"));
            Thread.sleep(500); // the request is now waiting on the lock

            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(stack::close);
            Thread.sleep(500); // shutdown has begun and is waiting for the request
            blocker.commit(); // release: the request finishes during shutdown

            assertThat(inFlight.get(15, TimeUnit.SECONDS).status()).isEqualTo(202);
            shutdown.get(30, TimeUnit.SECONDS);
        }
        try (Connection check = DriverManager.getConnection(url, "postgres", "");
             Statement statement = check.createStatement()) {
            var result = statement.executeQuery("select count(*) from signup where email = 'in-flight@rocket-users.test'");
            result.next();
            assertThat(result.getInt(1)).isEqualTo(1);
            var outbox = statement.executeQuery("select count(*) from outbox_email where recipient = 'in-flight@rocket-users.test'");
            outbox.next();
            assertThat(outbox.getInt(1)).as("its confirmation mail is queued").isEqualTo(1);
        }
    }
}
