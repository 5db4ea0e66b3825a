package dev.launchline.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The floor under the benchmark: the minimal prototype issue 5 measured its targets against,
 * "insert signup + outbox row" and nothing else. Javalin with its defaults, HikariCP, one
 * statement per request in autocommit (durable), no validation, rate limits, tokens, logging,
 * metrics or mail. Run by {@code WrkBenchmark -Dservice=floor} on the same embedded PostgreSQL
 * and under the same wrk load as the service, so a machine's own speed can be told apart from
 * the service's: the same command gave the floor twice the throughput on one 2-core VM of this
 * kind as on another. Not part of the product; nothing here is meant to be copied into it.
 *
 * <p>Environment: PORT, DATABASE_URL, DATABASE_USER, DATABASE_POOL_SIZE (as the service's).
 */
public final class FloorService {
    private static final String INSERT = """
            with new_signup as (insert into floor_signup (waitlist, email) values (?, ?) returning id)
            insert into floor_outbox (signup_id, recipient, subject, body)
            select id, ?, 'Please confirm your signup', ? from new_signup""";

    private FloorService() {
    }

    public static void main(String[] args) throws SQLException {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(System.getenv("DATABASE_URL"));
        pool.setUsername(System.getenv("DATABASE_USER"));
        pool.setMaximumPoolSize(Integer.parseInt(System.getenv().getOrDefault("DATABASE_POOL_SIZE", "16")));
        HikariDataSource database = new HikariDataSource(pool);
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    create table floor_signup (
                        id bigserial primary key,
                        waitlist text not null,
                        email text not null,
                        created_at timestamptz not null default now(),
                        unique (waitlist, email))""");
            statement.execute("""
                    create table floor_outbox (
                        id bigserial primary key,
                        signup_id bigint not null references floor_signup,
                        recipient text not null,
                        subject text not null,
                        body text not null,
                        created_at timestamptz not null default now())""");
        }
        ObjectMapper json = new ObjectMapper();
        Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/readyz", ctx -> ctx.result("ready"));
            config.routes.post("/api/v1/waitlists/{slug}/signups", ctx -> {
                JsonNode body = json.readTree(ctx.bodyAsBytes());
                String email = body.get("email").asText();
                try (Connection connection = database.getConnection();
                     PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    insert.setString(1, ctx.pathParam("slug"));
                    insert.setString(2, email);
                    insert.setString(3, email);
                    insert.setString(4, "Confirm your place: https://launchline.test/confirm?token=" + Integer.toHexString(email.hashCode()));
                    insert.executeUpdate();
                }
                // echoed as the service does: the wrk script matches answers to requests by it
                String requestId = ctx.header("X-Request-Id");
                if (requestId != null) {
                    ctx.header("X-Request-Id", requestId);
                }
                ctx.status(202).json(Map.of("status", "pending"));
            });
        }).start("127.0.0.1", Integer.parseInt(System.getenv("PORT")));
    }
}
