package dev.launchline.suppression;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where bounces and complaints come from, and the one exception to the suppression rule.
 *
 * @param sesTopicArns     SES_SNS_TOPIC_ARNS: the SNS topics SES publishes bounces and complaints
 *                         to; the SES endpoint answers 404 while it is empty
 * @param snsHostPattern   SES_SNS_HOST_PATTERN: the hosts SigningCertURL and SubscribeURL may name
 * @param allowPlainHttp   http as well as https for those URLs: dev and test only (the local fake)
 * @param mailgunSigningKey MAILGUN_WEBHOOK_SIGNING_KEY (or _FILE): the Mailgun endpoint answers 404 without it
 * @param bounceRetryAfter SUPPRESSION_BOUNCE_RETRY_DAYS: how old a hard bounce must be before a new
 *                         signup's confirmation is sent to the address again
 */
public record SuppressionSettings(Set<String> sesTopicArns, Pattern snsHostPattern, boolean allowPlainHttp,
                                  Optional<Secret> mailgunSigningKey, Duration bounceRetryAfter) {
    public static final String DEFAULT_SNS_HOSTS = "sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?";
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}");

    public static SuppressionSettings load(EnvironmentVariables env, Environment environment) {
        Set<String> topics = new LinkedHashSet<>();
        env.get("SES_SNS_TOPIC_ARNS").ifPresent(list -> Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(arn -> !arn.isEmpty())
                .forEach(arn -> {
                    if (TOPIC_ARN.matcher(arn).matches()) {
                        topics.add(arn);
                    } else {
                        env.problem("SES_SNS_TOPIC_ARNS", "each entry must be an SNS topic ARN such as "
                                + "arn:aws:sns:eu-west-1:123456789012:ses-bounces");
                    }
                }));
        Pattern hosts = Pattern.compile(DEFAULT_SNS_HOSTS);
        try {
            hosts = Pattern.compile(env.get("SES_SNS_HOST_PATTERN", DEFAULT_SNS_HOSTS));
        } catch (PatternSyntaxException malformed) {
            env.problem("SES_SNS_HOST_PATTERN", "must be a regular expression matching whole host names");
        }
        Optional<Secret> mailgunKey = env.secret("MAILGUN_WEBHOOK_SIGNING_KEY");
        Duration retryAfter = Duration.ofDays(env.integer("SUPPRESSION_BOUNCE_RETRY_DAYS", 30, 0, 3650));
        return new SuppressionSettings(Set.copyOf(topics), hosts, environment.allowsEmbeddedDefaults(), mailgunKey,
                retryAfter);
    }
}
