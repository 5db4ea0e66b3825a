package dev.launchline.mail;

import java.time.Duration;

/**
 * Asked by the worker before each email: send now ({@link Duration#ZERO}), or keep it queued
 * for this long. Held-back mail is never dropped, never counted as a failed attempt.
 */
public interface MailThrottle {
    MailThrottle NONE = kind -> Duration.ZERO;

    Duration holdBack(String kind);
}
