package dev.launchline;

import ch.qos.logback.classic.LoggerContext;
import dev.launchline.admin.AdminTokenCommand;
import dev.launchline.config.ConfigException;
import dev.launchline.config.EnvironmentComparison;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.db.Database;
import dev.launchline.db.DatabaseSettings;
import dev.launchline.db.DatabaseUnreachable;
import dev.launchline.doctor.DoctorCommand;
import dev.launchline.embedded.EmbeddedDatabase;
import dev.launchline.embedded.EmbeddedDefaults;
import dev.launchline.health.BuildInfo;
import dev.launchline.smoke.SmokeCommand;
import dev.launchline.waitlist.SignupRepository;
import dev.launchline.waitlist.UnconfirmedSignupPurge;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToIntFunction;

/**
 * {@code launchline [serve | check-config | migrate | purge-unconfirmed | admin-token | smoke | version]}. Reads the configuration,
 * builds everything, starts; nothing else.
 */
public final class Main {
    private static final String USAGE = """
            usage: launchline <command>
              serve          start the service (the default)
              check-config   validate the configuration from the environment and exit (0 = valid, 78 = invalid)
              check-config --compare A.env B.env
                             both files valid, and the two environments kept apart: no shared database,
                             signing key, origin-lock secret, metrics token or Turnstile widget (0 = apart, 78 = not)
              migrate        apply pending database migrations and exit
              purge-unconfirmed
                             delete signups left unconfirmed longer than UNCONFIRMED_RETENTION_DAYS, and exit
              version        print the build's version and commit
              admin-token    create | list | revoke admin API tokens (launchline admin-token for details)
              doctor         audits a launch from outside: DNS, proxying, origin exposure, SPF/DKIM/DMARC
                             (launchline doctor for details; exit 0 no blockers, 1 blockers)
              smoke          end-to-end check of a deployed service: test signup, mail accepted by SMTP, clean-up
                             (launchline smoke for details; exit 0 ok, 1 failed)
            """;

    private Main() {
    }

    /** With LOG_FORMAT=json, stdout is read by a log collector: everything on it is a JSON log line. */
    private static boolean jsonLogs;

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        EnvironmentVariables env = EnvironmentVariables.fromProcess();
        if ((command.equals("admin-token") || command.equals("smoke"))
                && System.getProperty("logback.configurationFile") == null) {
            // stdout carries the new token / the smoke verdict (scripts capture it): logs go to stderr, warnings only
            System.setProperty("logback.configurationFile", "logback-cli.xml");
        }
        selectLogFormat(env);
        switch (command) {
            case "serve" -> serve(loadOrExit(env, System.err));
            case "check-config" -> {
                if (args.length > 1) {
                    System.exit(compare(args));
                }
                Config config = loadOrExit(env, System.out);
                System.out.println("launchline: configuration is valid for APP_ENV=" + config.environment().id());
            }
            case "migrate" -> migrate(loadOrExit(env, System.err));
            case "purge-unconfirmed" -> purgeUnconfirmed(loadOrExit(env, System.err));
            case "version" -> System.out.println(BuildInfo.load().release());
            case "admin-token" -> System.exit(adminToken(args, env, System.out, System.err));
            case "smoke" -> System.exit(smoke(args, env, System.out, System.err));
            case "doctor" -> System.exit(DoctorCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default -> {
                System.err.print("launchline: unknown command '" + command + "'\n" + USAGE);
                System.exit(64);
            }
        }
    }

    /** {@code check-config --compare A B}: names and verdicts only, never a value. */
    private static int compare(String[] args) {
        if (args.length != 4 || !args[1].equals("--compare")) {
            System.err.print("launchline: check-config takes no arguments, or --compare A.env B.env\n" + USAGE);
            return 64;
        }
        EnvironmentComparison.Report report = EnvironmentComparison.compare(
                args[2], EnvironmentVariables.fromFile(Path.of(args[2])), args[3], EnvironmentVariables.fromFile(Path.of(args[3])));
        report.lines().forEach(System.out::println);
        if (report.problems() == 0) {
            System.out.println("launchline: " + args[2] + " and " + args[3] + " are valid and kept apart");
            return 0;
        }
        System.out.println("launchline: " + report.problems() + " problem(s): see the lines above");
        return Config.EXIT_CONFIG;
    }

    /** {@code launchline admin-token ...}; returns the exit code instead of exiting, for tests. */
    public static int adminToken(String[] args, EnvironmentVariables env, PrintStream out, PrintStream err) {
        return AdminTokenCommand.run(List.of(args).subList(1, args.length), work -> withDatabase(Config.load(env), work),
                out, err);
    }

    /** The configured database (or the embedded one, in dev) for one command, migrated if MIGRATE_ON_START. */
    private static int withDatabase(Config config, ToIntFunction<Database> work) {
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        try {
            Database database;
            if (config.database().isPresent()) {
                DatabaseSettings db = config.database().get();
                database = new Database(db.jdbcUrl(), db.user(), db.password().map(Secret::reveal), 2);
            } else {
                embedded = Optional.of(EmbeddedDefaults.startPostgres(config.dataDir()));
                database = new Database(embedded.get().jdbcUrl(), Optional.of("postgres"), Optional.empty(), 2);
            }
            try (database) {
                if (config.migrateOnStart()) {
                    database.migrate();
                }
                return work.applyAsInt(database);
            }
        } finally {
            embedded.ifPresent(EmbeddedDatabase::close);
        }
    }

    /** {@code launchline smoke ...}; returns the exit code instead of exiting, for tests. Needs no Config. */
    public static int smoke(String[] args, EnvironmentVariables env, PrintStream out, PrintStream err) {
        return SmokeCommand.run(List.of(args).subList(1, args.length), env, out, err);
    }

    static Config loadOrExit(EnvironmentVariables env, PrintStream out) {
        try {
            return Config.load(env);
        } catch (ConfigException invalid) {
            out.println("launchline: the configuration is invalid (" + invalid.problems().size() + " problem"
                    + (invalid.problems().size() == 1 ? "" : "s") + "):");
            invalid.problems().forEach(problem -> out.println("  - " + problem));
            System.exit(Config.EXIT_CONFIG);
            return null;
        }
    }

    /** Stops logging, which writes out what its asynchronous appender still holds (logback-*.xml). */
    private static void flushLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
            logging.stop();
        }
    }

    private static void serve(Config config) {
        Launchline service;
        try {
            service = Launchline.start(config);
        } catch (DatabaseUnreachable unreachable) {
            exitUnreachable(unreachable);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            flushLogs(); // the last lines of the shutdown are still in the log's queue
            stopped.countDown();
        }, "shutdown"));
        String base = config.publicBaseUrl().toString();
        StringBuilder banner = new StringBuilder()
                .append("\nLaunchline is running (APP_ENV=").append(config.environment().id())
                .append(", listening on ").append(config.http().bindHost()).append(':').append(service.port()).append(")\n")
                .append("  Signup API   POST ").append(base).append("/api/v1/waitlists/{slug}/signups\n")
                .append("  Contact API  POST ").append(base).append("/api/v1/forms/{slug}/submissions\n")
                .append("  Readiness    ").append(base).append("/readyz\n");
        if (service.devMail().isPresent()) {
            banner.append("  Demo page    ").append(base).append("/\n")
                  .append("  Dev inbox    ").append(base).append("/_dev/mail\n");
        }
        if (jsonLogs) {
            LoggerFactory.getLogger(Main.class).info("Launchline is running (APP_ENV={}, listening on {}:{}); readiness at {}/readyz",
                    config.environment().id(), config.http().bindHost(), service.port(), base);
        } else {
            System.out.println(banner.append("Press Ctrl+C to stop.\n"));
        }
        try {
            stopped.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void migrate(Config config) {
        DatabaseSettings db = config.database().orElse(null);
        if (db == null) {
            System.err.println("launchline: migrate needs DATABASE_URL (the embedded database migrates itself on start)");
            System.exit(Config.EXIT_CONFIG);
        }
        try (Database database = new Database(db.jdbcUrl(), db.user(), db.password().map(Secret::reveal), 2)) {
            database.awaitReachable(db.startTimeout());
            database.migrate(db.migrationRole());
            System.out.println("launchline: database schema is at version " + database.schemaVersion().orElse("none"));
        } catch (DatabaseUnreachable unreachable) {
            exitUnreachable(unreachable);
        }
    }

    /** One line for the operator, not a stack trace; exit 69 (EX_UNAVAILABLE) so a supervisor retries. */
    private static void exitUnreachable(DatabaseUnreachable unreachable) {
        System.err.println("launchline: cannot start: " + unreachable.getMessage()
                + "; check DATABASE_URL and that PostgreSQL is running (MIGRATE_ON_START=false starts without it, not ready)");
        flushLogs();
        System.exit(DatabaseUnreachable.EXIT_CODE);
    }

    /** The service does this hourly by itself; the command is for operators who want it now. */
    private static void purgeUnconfirmed(Config config) {
        DatabaseSettings db = config.database().orElse(null);
        if (db == null) {
            System.err.println("launchline: purge-unconfirmed needs DATABASE_URL");
            System.exit(Config.EXIT_CONFIG);
        }
        if (config.bots().unconfirmedRetention().isEmpty()) {
            System.out.println("launchline: UNCONFIRMED_RETENTION_DAYS=0, unconfirmed signups are kept; nothing deleted");
            return;
        }
        Duration retention = config.bots().unconfirmedRetention().get();
        try (Database database = new Database(db.jdbcUrl(), db.user(), db.password().map(Secret::reveal), 2)) {
            int deleted = new UnconfirmedSignupPurge(database.dsl(), new SignupRepository(), retention,
                    Clock.systemUTC()).purge();
            System.out.println("launchline: deleted " + deleted + " signups unconfirmed for more than "
                    + retention.toDays() + " days");
        }
    }

    /** Text logs for people at a terminal (dev/test), JSON for log pipelines; chosen before the first log line. */
    private static void selectLogFormat(EnvironmentVariables env) {
        String appEnv = env.get("APP_ENV", "dev");
        String format = env.get("LOG_FORMAT", appEnv.equals("dev") || appEnv.equals("test") ? "text" : "json");
        jsonLogs = format.equals("json");
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", format.equals("json") ? "logback-json.xml" : "logback-text.xml");
        }
    }
}
