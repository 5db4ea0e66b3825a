package dev.launchline.mail;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Mustache templates for each email kind: {@code <kind>.subject}, {@code <kind>.txt} and
 * {@code <kind>.html}. A deployment overrides them per waitlist/form in
 * {@code EMAIL_TEMPLATES_DIR/<slug>/} or for all in {@code EMAIL_TEMPLATES_DIR/}; the
 * built-in ones live in {@code templates/email/} on the classpath.
 */
public final class EmailTemplates {

    public record Rendered(String subject, String text, String html) {
    }

    /** Line breaks a subject template produced: a subject is one header line (compiled once, not per email). */
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");

    private final Optional<Path> overrideDir;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();
    private final Mustache.Compiler textCompiler = Mustache.compiler().escapeHTML(false).defaultValue("");
    private final Mustache.Compiler htmlCompiler = Mustache.compiler().escapeHTML(true).defaultValue("");

    public EmailTemplates(Optional<Path> overrideDir) {
        this.overrideDir = overrideDir;
    }

    public Rendered render(String funnelSlug, String kind, Map<String, Object> data) {
        String subject = LINE_BREAKS.matcher(template(funnelSlug, kind + ".subject", textCompiler).execute(data))
                .replaceAll(" ").strip();
        return new Rendered(subject,
                template(funnelSlug, kind + ".txt", textCompiler).execute(data),
                template(funnelSlug, kind + ".html", htmlCompiler).execute(data));
    }

    private Template template(String funnelSlug, String name, Mustache.Compiler compiler) {
        return cache.computeIfAbsent(funnelSlug + "/" + name, key -> compiler.compile(source(funnelSlug, name)));
    }

    private String source(String funnelSlug, String name) {
        String file = name + ".mustache";
        if (overrideDir.isPresent()) {
            for (Path candidate : new Path[] {overrideDir.get().resolve(funnelSlug).resolve(file),
                                              overrideDir.get().resolve(file)}) {
                if (Files.isRegularFile(candidate)) {
                    try {
                        return Files.readString(candidate, StandardCharsets.UTF_8);
                    } catch (IOException unreadable) {
                        throw new UncheckedIOException(unreadable);
                    }
                }
            }
        }
        try (InputStream in = EmailTemplates.class.getResourceAsStream("/templates/email/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no email template " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
