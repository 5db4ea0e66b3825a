package dev.launchline.webhook;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * One receiver of webhooks, as configured in WEBHOOKS.
 *
 * @param id        names it in the queue, the metrics and the admin API
 * @param waitlists the waitlists whose events it receives; empty = every waitlist
 * @param forms     the contact forms whose leads it receives; empty = every form
 * @param events    what it subscribed to
 * @param signer    its secrets: every delivery is signed with each of them
 */
public record WebhookEndpoint(String id, URI url, Optional<Set<String>> waitlists, Optional<Set<String>> forms,
                              Set<WebhookEvent> events, WebhookSigner signer) {

    /** Whether this endpoint hears about {@code event} on the funnel {@code slug}. */
    public boolean receives(WebhookEvent event, String slug) {
        if (!events.contains(event)) {
            return false;
        }
        Optional<Set<String>> scope = event.funnel() == WebhookEvent.Funnel.WAITLIST ? waitlists : forms;
        return scope.map(slugs -> slugs.contains(slug)).orElse(true);
    }
}
