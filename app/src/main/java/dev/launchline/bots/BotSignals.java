package dev.launchline.bots;

import java.util.Optional;

/**
 * What a submission carries for the bot defence, taken out of the body before the endpoint
 * reads its own fields.
 *
 * @param honeypot           the hidden field; any value at all means a bot filled it
 * @param formToken          the signed issue time of the form ({@link FormTokens})
 * @param challengeResponse  the Turnstile widget's token ({@code cf-turnstile-response})
 */
public record BotSignals(Optional<String> honeypot, Optional<String> formToken, Optional<String> challengeResponse) {
}
