package dev.launchline.bots;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Domains of throwaway mailboxes, from the shipped list (bots/disposable-domains.txt: source,
 * license and date in its header) or a file that replaces it, plus any extra domains. A
 * domain matches when it or any parent domain is listed: {@code x.mailinator.com} is as
 * disposable as {@code mailinator.com}.
 */
public final class DisposableDomains {
    static final String SHIPPED = "/bots/disposable-domains.txt";

    private final Set<String> domains;

    DisposableDomains(Set<String> domains) {
        this.domains = Set.copyOf(domains);
    }

    public static DisposableDomains load(Optional<Path> replacement, Set<String> extra) {
        Set<String> domains = new HashSet<>(extra);
        try (InputStream in = replacement.isPresent()
                ? Files.newInputStream(replacement.get())
                : DisposableDomains.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int comment = line.indexOf('#');
                String domain = (comment >= 0 ? line.substring(0, comment) : line).strip().toLowerCase(Locale.ROOT);
                if (domain.startsWith("*.")) {
                    domain = domain.substring(2);
                }
                if (!domain.isEmpty()) {
                    domains.add(domain);
                }
            }
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
        return new DisposableDomains(domains);
    }

    public static DisposableDomains none() {
        return new DisposableDomains(Set.of());
    }

    /** @param domain lowercase ASCII, as {@link dev.launchline.email.EmailAddress} keeps it */
    public boolean contains(String domain) {
        String candidate = domain;
        while (true) {
            if (domains.contains(candidate)) {
                return true;
            }
            int dot = candidate.indexOf('.');
            // stop at the last label: a top-level domain alone is never listed, and must not match
            if (dot < 0 || candidate.indexOf('.', dot + 1) < 0) {
                return false;
            }
            candidate = candidate.substring(dot + 1);
        }
    }

    public int size() {
        return domains.size();
    }
}
