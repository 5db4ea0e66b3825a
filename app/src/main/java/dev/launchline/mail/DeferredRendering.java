package dev.launchline.mail;

import dev.launchline.db.schema.tables.records.OutboxEmailRecord;

/**
 * Renders, at send time, an email queued as template data ({@link OutgoingEmail#deferred}): the
 * feature that queued it knows its templates and links; the sender only delivers.
 */
public interface DeferredRendering {
    /**
     * Fills in the subject, bodies and unsubscribe URL of {@code email} (in memory: the row keeps
     * its template data). Throws {@link Unrenderable} when it cannot, e.g. the funnel it names is
     * no longer configured: the email is then dead-lettered with that reason.
     */
    void render(OutboxEmailRecord email);

    final class Unrenderable extends RuntimeException {
        public Unrenderable(String reason) {
            super(reason);
        }
    }

    /** For a service that queues no deferred email of this kind: every one is unrenderable. */
    DeferredRendering NONE = email -> {
        throw new Unrenderable("no renderer for deferred " + email.getKind() + " emails");
    };
}
