package dev.launchline.funnel;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One contact / inquiry form as configured in the funnels file.
 *
 * @param recipients           who is notified of each lead (reply-to is the lead)
 * @param acknowledge          whether the lead gets a "we got your message" email
 * @param allowedOrigins       browser origins that may post to it; empty: the waitlists' origins
 */
public record ContactForm(
        String slug,
        String name,
        List<String> recipients,
        Set<String> customFields,
        Optional<URI> redirectAfterSubmit,
        boolean acknowledge,
        Set<String> allowedOrigins) {
}
