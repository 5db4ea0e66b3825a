package dev.launchline.db;

import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * An external PostgreSQL. Absent in dev/test means "start the embedded one". The migration
 * user, when set, owns the schema and runs the migrations; the service's own user then only
 * reads and writes rows (app/config/database-roles.sql).
 */
public record DatabaseSettings(String jdbcUrl, Optional<String> user, Optional<Secret> password, int poolSize,
                               Optional<String> migrationUser, Optional<Secret> migrationPassword,
                               Duration startTimeout) {

    public Optional<Database.MigrationRole> migrationRole() {
        return migrationUser.map(name -> new Database.MigrationRole(name, migrationPassword.map(Secret::reveal)));
    }

    /**
     * A user before the host ({@code //user:secret@host}, which the PostgreSQL driver does not even
     * read: it takes "user:secret@host" for the host name), or any password parameter, in any
     * case, percent-encoded or not ({@code password}, {@code sslpassword}, ...).
     */
    static boolean carriesCredentials(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int pathStart = rest.indexOf('/');
        String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
        String decoded;
        try {
            decoded = URLDecoder.decode(jdbcUrl.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            decoded = jdbcUrl;
        }
        return authority.contains("@") || decoded.toLowerCase(Locale.ROOT).contains("password")
                || jdbcUrl.toLowerCase(Locale.ROOT).contains("password");
    }

    /**
     * @param required why DATABASE_URL must be set, when it must (staging and production); empty
     *                 when the embedded database may stand in
     */
    public static Optional<DatabaseSettings> load(EnvironmentVariables env, Optional<String> required) {
        Optional<String> url = env.get("DATABASE_URL");
        Optional<Secret> password = env.secret("DATABASE_PASSWORD");
        int poolSize = env.integer("DATABASE_POOL_SIZE", 10, 1, 200);
        if (url.isEmpty()) {
            required.ifPresent(why -> env.missing("DATABASE_URL", why + "; e.g. jdbc:postgresql://db.internal:5432/launchline"));
            return Optional.empty();
        }
        if (!url.get().startsWith("jdbc:postgresql://")) {
            env.problem("DATABASE_URL", "must start with jdbc:postgresql://");
        } else if (carriesCredentials(url.get())) {
            // a URL ends up in connection-pool logs and error messages (an unknown host "user:secret@db"
            // was printed whole in a stack trace): the credentials go in their own variables
            env.problem("DATABASE_URL", "must not contain a user or password; set DATABASE_USER and DATABASE_PASSWORD instead");
        }
        Optional<String> migrationUser = env.get("DATABASE_MIGRATION_USER");
        Optional<Secret> migrationPassword = env.secret("DATABASE_MIGRATION_PASSWORD");
        if (migrationPassword.isPresent() && migrationUser.isEmpty()) {
            env.problem("DATABASE_MIGRATION_PASSWORD", "set DATABASE_MIGRATION_USER too");
        }
        // how long a start (or the migrate command) waits for an unreachable database before it
        // gives up with one line: long enough for a database started beside it to come up
        Duration startTimeout = Duration.ofSeconds(env.integer("DATABASE_START_TIMEOUT_SECONDS", 30, 0, 3600));
        return Optional.of(new DatabaseSettings(url.get(), env.get("DATABASE_USER"), password, poolSize, migrationUser,
                migrationPassword, startTimeout));
    }
}
