package dev.launchline.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The events a webhook endpoint can subscribe to, by their names on the wire. */
public enum WebhookEvent {
    SIGNUP_CREATED("signup.created", Funnel.WAITLIST),
    SIGNUP_CONFIRMED("signup.confirmed", Funnel.WAITLIST),
    REFERRAL_CREDITED("referral.credited", Funnel.WAITLIST),
    INVITE_SENT("invite.sent", Funnel.WAITLIST),
    PERSON_UNSUBSCRIBED("person.unsubscribed", Funnel.WAITLIST),
    PERSON_ERASED("person.erased", Funnel.WAITLIST),
    LEAD_CREATED("lead.created", Funnel.FORM);

    /** What kind of funnel an event happens on: an endpoint is scoped by waitlists and by forms. */
    public enum Funnel { WAITLIST, FORM }

    private final String type;
    private final Funnel funnel;

    WebhookEvent(String type, Funnel funnel) {
        this.type = type;
        this.funnel = funnel;
    }

    public String type() {
        return type;
    }

    public Funnel funnel() {
        return funnel;
    }

    public static Optional<WebhookEvent> byType(String type) {
        return Arrays.stream(values()).filter(event -> event.type.equals(type)).findFirst();
    }
}
