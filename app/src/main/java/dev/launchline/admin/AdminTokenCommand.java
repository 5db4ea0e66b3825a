package dev.launchline.admin;

import dev.launchline.config.ConfigException;
import dev.launchline.db.Database;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * {@code launchline admin-token create --name NAME --scope read|write | list | revoke --name NAME}.
 * Uses the service's own configuration: DATABASE_URL, or the embedded database of dev/test
 * (which must not be running in another process at the same time: it is locked to one).
 */
public final class AdminTokenCommand {
    public static final int OK = 0;
    public static final int USAGE = 64; // EX_USAGE from sysexits.h
    static final String HELP = """
            usage: launchline admin-token <action>
              create --name NAME --scope read|write   issue a token; it is printed once, only its hash is stored
              list                                    names, scopes, created / last used / revoked times (never secrets)
              revoke --name NAME                      revoke the active token of that name, effective at once
            """;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'");

    private AdminTokenCommand() {
    }

    /** @param args the words after {@code admin-token} */
    public static int run(List<String> args, DatabaseSession database, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !List.of("create", "list", "revoke").contains(args.get(0))) {
            err.print(HELP);
            return USAGE;
        }
        String action = args.get(0);
        Optional<Map<String, String>> options = options(args.subList(1, args.size()), err);
        if (options.isEmpty()) {
            return USAGE;
        }
        List<String> expected = switch (action) {
            case "create" -> List.of("--name", "--scope");
            case "revoke" -> List.of("--name");
            default -> List.of();
        };
        if (!options.get().keySet().equals(Set.copyOf(expected))) {
            err.println("launchline: admin-token " + action + " takes "
                    + (expected.isEmpty() ? "no options" : String.join(" and ", expected)));
            err.print(HELP);
            return USAGE;
        }
        Optional<AdminScope> scope = Optional.ofNullable(options.get().get("--scope")).flatMap(AdminScope::parse);
        if (action.equals("create") && scope.isEmpty()) {
            err.println("launchline: --scope must be read or write");
            return USAGE;
        }

        try {
            return database.with(db -> {
                AdminTokens tokens = new AdminTokens(db.dsl(), new AdminTokenRepository(), new AuditRepository(),
                        Clock.systemUTC());
                try {
                    return switch (action) {
                        case "create" -> create(tokens, options.get().get("--name"), scope.orElseThrow(), out, err);
                        case "revoke" -> revoke(tokens, options.get().get("--name"), out);
                        default -> list(tokens, out);
                    };
                } catch (AdminTokens.TokenException refused) {
                    err.println("launchline: " + refused.getMessage());
                    return USAGE;
                }
            });
        } catch (ConfigException invalid) {
            err.println("launchline: the configuration is invalid:");
            invalid.problems().forEach(problem -> err.println("  - " + problem));
            return ConfigException.EXIT_CODE;
        }
    }

    /**
     * The service's database as configured (the embedded one in dev), open for one piece of work
     * and closed after it; built by the caller, which knows the whole configuration.
     */
    @FunctionalInterface
    public interface DatabaseSession {
        /** @throws ConfigException when the configuration is invalid */
        int with(ToIntFunction<Database> work);
    }

    /** The token alone on stdout, so that `... create ... > token-file` stores just it; the note on stderr. */
    private static int create(AdminTokens tokens, String name, AdminScope scope, PrintStream out, PrintStream err) {
        AdminTokens.Issued issued = tokens.create(name, scope, Actor.commandLine());
        out.println(issued.secret());
        err.println("# admin token '" + name + "' (" + scope.id() + ") created. Store it now: it cannot be shown again.");
        return OK;
    }

    private static int revoke(AdminTokens tokens, String name, PrintStream out) {
        tokens.revoke(name, Actor.commandLine());
        out.println("admin token '" + name + "' revoked; requests with it are refused from now on.");
        return OK;
    }

    private static int list(AdminTokens tokens, PrintStream out) {
        String format = "%-30s %-6s %-18s %-18s %s%n";
        out.printf(format, "NAME", "SCOPE", "CREATED", "LAST USED", "REVOKED");
        for (AdminToken token : tokens.list()) {
            out.printf(format, token.name(), token.scope().id(), time(token.createdAt()),
                    token.lastUsedAt().map(AdminTokenCommand::time).orElse("never"),
                    token.revokedAt().map(AdminTokenCommand::time).orElse("-"));
        }
        return OK;
    }

    private static Optional<Map<String, String>> options(List<String> words, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < words.size(); i += 2) {
            String option = words.get(i);
            if (!option.startsWith("--") || i + 1 >= words.size() || options.containsKey(option)) {
                err.println("launchline: expected --option value pairs, got '" + option + "'");
                err.print(HELP);
                return Optional.empty();
            }
            options.put(option, words.get(i + 1));
        }
        return Optional.of(options);
    }

    private static String time(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
    }
}
