package dev.launchline.db;

import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;

import java.util.Locale;
import java.util.Optional;

/**
 * An external PostgreSQL. Absent in dev/test means "start the embedded one". The migration
 * user, when set, owns the schema and runs the migrations; the service's own user then only
 * reads and writes rows (app/config/database-roles.sql).
 */
public record DatabaseSettings(String jdbcUrl, Optional<String> user, Optional<Secret> password, int poolSize,
                               Optional<String> migrationUser, Optional<Secret> migrationPassword) {

    public Optional<Database.MigrationRole> migrationRole() {
        return migrationUser.map(name -> new Database.MigrationRole(name, migrationPassword.map(Secret::reveal)));
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
        } else if (url.get().toLowerCase(Locale.ROOT).contains("password=")) {
            // a password inside the URL ends up in connection-pool logs and error messages
            env.problem("DATABASE_URL", "must not contain the password; set DATABASE_PASSWORD instead");
        }
        Optional<String> migrationUser = env.get("DATABASE_MIGRATION_USER");
        Optional<Secret> migrationPassword = env.secret("DATABASE_MIGRATION_PASSWORD");
        if (migrationPassword.isPresent() && migrationUser.isEmpty()) {
            env.problem("DATABASE_MIGRATION_PASSWORD", "set DATABASE_MIGRATION_USER too");
        }
        return Optional.of(new DatabaseSettings(url.get(), env.get("DATABASE_USER"), password, poolSize, migrationUser,
                migrationPassword));
    }
}
