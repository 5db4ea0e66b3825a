package dev.launchline.errors;

import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Error reports to Sentry, when SENTRY_DSN is set; otherwise every method does nothing and the
 * SDK is never started. Every event names the release (the value /version shows) and the
 * environment, and carries tags we choose (request id, route, task) - never a request, a user,
 * a cookie or a body: the SDK's own PII collection is off, breadcrumbs are dropped, and the
 * free text that remains passes through {@link PersonalData#redact} before it leaves.
 */
public final class ErrorTracking implements AutoCloseable {
    private final boolean enabled;

    private ErrorTracking(boolean enabled) {
        this.enabled = enabled;
    }

    public static ErrorTracking disabled() {
        return new ErrorTracking(false);
    }

    public static ErrorTracking start(Optional<String> dsn, String release, String environment) {
        if (dsn.isEmpty()) {
            return disabled();
        }
        Sentry.init(options -> {
            options.setDsn(dsn.get());
            options.setRelease(release);
            options.setEnvironment(environment);
            options.setSendDefaultPii(false);
            options.setAttachServerName(false);
            options.setBeforeBreadcrumb((breadcrumb, hint) -> null); // they collect log lines and URLs
            options.setBeforeSend((event, hint) -> scrub(event));
            options.setShutdownTimeoutMillis(2_000);
        });
        return new ErrorTracking(true);
    }

    public boolean enabled() {
        return enabled;
    }

    /** An unexpected error answering a request (the caller got a 500). */
    public void requestFailed(Throwable error, String requestId, String method, String route) {
        capture(error, Map.of("request_id", requestId, "route", method + " " + route, "kind", "request"));
    }

    /** An unexpected error in background work: the mail worker, a purge. */
    public void backgroundFailed(Throwable error, String task) {
        capture(error, Map.of("task", task, "kind", "background"));
    }

    /** An email given up on: the person will not hear from us unless someone acts. */
    public void emailDeadLettered(String template, long emailId, String reason) {
        if (!enabled) {
            return;
        }
        SentryEvent event = new SentryEvent();
        event.setLevel(SentryLevel.ERROR);
        Message message = new Message();
        message.setMessage("email dead-lettered: " + template);
        event.setMessage(message);
        event.setFingerprints(List.of("email-dead-lettered", template));
        event.setTag("kind", "dead_letter");
        event.setTag("template", template);
        event.setExtra("email_id", emailId);
        event.setExtra("reason", reason);
        Sentry.captureEvent(event);
    }

    /** Waits until queued events are sent; for tests and shutdown. */
    public void flush(Duration timeout) {
        if (enabled) {
            Sentry.flush(timeout.toMillis());
        }
    }

    private void capture(Throwable error, Map<String, String> tags) {
        if (!enabled) {
            return;
        }
        Sentry.captureException(error, scope -> tags.forEach(scope::setTag));
    }

    static SentryEvent scrub(SentryEvent event) {
        event.setUser(null);
        event.setRequest(null);
        event.setBreadcrumbs(null);
        if (event.getMessage() != null) {
            event.getMessage().setMessage(PersonalData.redact(event.getMessage().getMessage()));
            event.getMessage().setFormatted(PersonalData.redact(event.getMessage().getFormatted()));
            event.getMessage().setParams(null);
        }
        if (event.getExceptions() != null) {
            for (SentryException exception : event.getExceptions()) {
                exception.setValue(PersonalData.redact(exception.getValue()));
            }
        }
        if (event.getExtras() != null) {
            event.getExtras().replaceAll((key, value) -> value instanceof String text ? PersonalData.redact(text) : value);
        }
        return event;
    }

    @Override
    public void close() {
        if (enabled) {
            Sentry.close();
        }
    }
}
