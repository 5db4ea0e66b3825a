package dev.launchline.mail;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** An external SMTP server. Absent in dev/test means "start the in-process capturing one". */
public record SmtpSettings(String host, int port, Optional<String> username, Optional<Secret> password,
                           Security security, Duration timeout) {

    public enum Security { NONE, STARTTLS, TLS }

    /** A server on this machine without TLS or login: the embedded one, and tests' own. */
    public static SmtpSettings local(int port, Duration timeout) {
        return new SmtpSettings("127.0.0.1", port, Optional.empty(), Optional.empty(), Security.NONE, timeout);
    }

    /**
     * @param required why SMTP_HOST must be set, when it must (staging and production); empty
     *                 when the in-process server may stand in
     */
    public static Optional<SmtpSettings> load(EnvironmentVariables env, Environment environment,
                                              Optional<String> required) {
        Optional<String> host = env.get("SMTP_HOST");
        Optional<Secret> password = env.secret("SMTP_PASSWORD");
        int port = env.integer("SMTP_PORT", 587, 1, 65535);
        int timeoutMs = env.integer("SMTP_TIMEOUT_MS", 10_000, 100, 300_000);
        String security = env.get("SMTP_SECURITY", "starttls").toUpperCase(Locale.ROOT);
        Security parsedSecurity = Security.STARTTLS;
        try {
            parsedSecurity = Security.valueOf(security);
        } catch (IllegalArgumentException unknown) {
            env.problem("SMTP_SECURITY", "must be one of starttls, tls, none");
        }
        if (host.isEmpty()) {
            required.ifPresent(why -> env.missing("SMTP_HOST", why));
            return Optional.empty();
        }
        Optional<String> username = env.get("SMTP_USERNAME");
        if (parsedSecurity == Security.NONE && (username.isPresent() || password.isPresent())
                && !environment.allowsEmbeddedDefaults()) {
            // a login over an unencrypted connection hands the relay's password to anyone on the path
            env.problem("SMTP_SECURITY", "none would send SMTP_USERNAME/SMTP_PASSWORD in clear text; use starttls or tls");
        }
        return Optional.of(new SmtpSettings(host.get(), port, username, password, parsedSecurity,
                Duration.ofMillis(timeoutMs)));
    }
}
