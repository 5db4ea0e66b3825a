package dev.launchline.edge;

import dev.launchline.funnel.Funnels;
import dev.launchline.funnel.ContactForm;
import dev.launchline.funnel.Waitlist;
import dev.launchline.http.Guard;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may post to which endpoint. A waitlist accepts its own landing page
 * (public_url), its allowed_origins and the service's own pages; a form accepts its
 * allowed_origins, or when it names none, every waitlist's. Endpoints reached from email
 * links (confirm, status, unsubscribe, erase) accept any funnel origin.
 */
public final class OriginPolicy {
    private final Map<String, Set<String>> byWaitlist;
    private final Map<String, Set<String>> byForm;
    private final Set<String> anyFunnel;

    public OriginPolicy(Funnels funnels, URI publicBaseUrl) {
        String own = Funnels.origin(publicBaseUrl.toString()).orElseThrow();
        this.byWaitlist = funnels.waitlists().stream()
                .collect(Collectors.toUnmodifiableMap(Waitlist::slug, waitlist -> waitlistOrigins(waitlist, own)));
        Set<String> all = new LinkedHashSet<>();
        all.add(own);
        byWaitlist.values().forEach(all::addAll);
        funnels.forms().forEach(form -> all.addAll(form.allowedOrigins()));
        this.anyFunnel = Set.copyOf(all);
        Set<String> everyWaitlist = new LinkedHashSet<>();
        everyWaitlist.add(own);
        byWaitlist.values().forEach(everyWaitlist::addAll);
        this.byForm = funnels.forms().stream()
                .collect(Collectors.toUnmodifiableMap(ContactForm::slug, form -> form.allowedOrigins().isEmpty()
                        ? Set.copyOf(everyWaitlist)
                        : with(form.allowedOrigins(), own)));
    }

    public Set<String> forWaitlist(String slug) {
        return byWaitlist.getOrDefault(slug, anyFunnel);
    }

    public Set<String> forForm(String slug) {
        return byForm.getOrDefault(slug, anyFunnel);
    }

    public Set<String> forAnyFunnel() {
        return anyFunnel;
    }

    /** For a waitlist's signup endpoint ({slug} in its path). */
    public Guard.Preflighted waitlistSignups() {
        return CrossOrigin.guard(ctx -> forWaitlist(ctx.pathParam("slug")));
    }

    /** For a contact form's submission endpoint ({slug} in its path). */
    public Guard.Preflighted formSubmissions() {
        return CrossOrigin.guard(ctx -> forForm(ctx.pathParam("slug")));
    }

    /** For the endpoints and pages reached from email links, and the form token. */
    public Guard.Preflighted anyFunnel() {
        return CrossOrigin.guard(ctx -> forAnyFunnel());
    }

    private static Set<String> waitlistOrigins(Waitlist waitlist, String own) {
        Set<String> origins = new LinkedHashSet<>(waitlist.allowedOrigins());
        Funnels.origin(waitlist.publicUrl().toString()).ifPresent(origins::add);
        return with(origins, own);
    }

    private static Set<String> with(Set<String> origins, String own) {
        Set<String> result = new LinkedHashSet<>(origins);
        result.add(own);
        return Set.copyOf(result);
    }
}
