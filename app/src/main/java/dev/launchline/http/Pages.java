package dev.launchline.http;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The few HTML pages the service serves itself (confirm, status, unsubscribe, errors), from
 * Mustache templates in {@code templates/pages/}, HTML-escaped, each wrapped in layout.mustache.
 * They work without JavaScript: every action is a plain form POST.
 */
public final class Pages {
    private final Mustache.Compiler compiler = Mustache.compiler()
            .escapeHTML(true)
            .defaultValue("")
            .withLoader(name -> reader("/templates/pages/" + name + ".mustache"));
    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    public String render(String page, String title, Map<String, ?> data) {
        Map<String, Object> context = new HashMap<>(data);
        context.put("title", title);
        context.put("body", template(page).execute(context));
        return template("layout").execute(context);
    }

    private Template template(String name) {
        return cache.computeIfAbsent(name, key -> {
            try (Reader reader = reader("/templates/pages/" + key + ".mustache")) {
                return compiler.compile(reader);
            } catch (IOException unreadable) {
                throw new UncheckedIOException(unreadable);
            }
        });
    }

    private static Reader reader(String resource) {
        InputStream in = Pages.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing page template " + resource);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** Where a plain HTML form post lands (a signup, or ?form= a contact form). */
    public Routes thanksPage() {
        return routes -> routes.get("/thanks", ctx -> ctx.html(render("thanks", "Thank you",
                Map.of("form", ctx.queryParam("form") != null))));
    }
}
