package dev.launchline.edge;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;
import dev.launchline.config.Secret;
import dev.launchline.config.SecretStrength;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the service sits behind the edge: which proxies it believes about the client address,
 * and the optional origin lock (a shared secret the edge adds to every request it forwards).
 *
 * @param trustedProxies   TRUSTED_PROXIES: comma-separated CIDRs; the word {@code cloudflare}
 *                         stands for Cloudflare's published ranges (CLOUDFLARE_IP_RANGES_FILE
 *                         replaces the shipped copy). Empty: trust no one, use the socket address.
 * @param originLockHeader ORIGIN_LOCK_HEADER, the header carrying the secret
 * @param originLockSecret ORIGIN_LOCK_SECRET (or _FILE); when set, requests without it get 403
 * @param previousOriginLockSecret ORIGIN_LOCK_SECRET_PREVIOUS (or _FILE): also accepted, during a
 *                         rotation, while the edge still sends it (runbooks/rotate-secrets.md)
 */
public record EdgeSettings(TrustedProxies trustedProxies, String originLockHeader, Optional<Secret> originLockSecret,
                           Optional<Secret> previousOriginLockSecret) {

    public static EdgeSettings load(EnvironmentVariables env, Environment environment) {
        List<String> entries = List.of(env.get("TRUSTED_PROXIES", "").split(","));
        List<String> cidrs = new ArrayList<>();
        for (String entry : entries) {
            String value = entry.strip();
            if (value.isEmpty()) {
                continue;
            }
            if (value.equalsIgnoreCase(TrustedProxies.CLOUDFLARE)) {
                cidrs.addAll(cloudflareRanges(env));
            } else {
                cidrs.add(value);
            }
        }
        TrustedProxies proxies = TrustedProxies.none();
        try {
            proxies = TrustedProxies.of(cidrs);
        } catch (IllegalArgumentException malformed) {
            env.problem("TRUSTED_PROXIES", "must be a comma-separated list of IP addresses, CIDR ranges or 'cloudflare'");
        }
        String header = env.get("ORIGIN_LOCK_HEADER", "X-Origin-Lock");
        if (!header.matches("[A-Za-z0-9-]{1,64}")) {
            env.problem("ORIGIN_LOCK_HEADER", "must be a header name (letters, digits, dashes)");
        }
        Optional<Secret> secret = env.secret("ORIGIN_LOCK_SECRET");
        SecretStrength.check(env, "ORIGIN_LOCK_SECRET", secret);
        Optional<Secret> previous = env.secret("ORIGIN_LOCK_SECRET_PREVIOUS");
        SecretStrength.check(env, "ORIGIN_LOCK_SECRET_PREVIOUS", previous);
        if (previous.isPresent() && secret.isEmpty()) {
            env.problem("ORIGIN_LOCK_SECRET_PREVIOUS", "set ORIGIN_LOCK_SECRET too: the previous secret is only accepted beside the current one");
        }
        return new EdgeSettings(proxies, header, secret, previous);
    }

    private static List<String> cloudflareRanges(EnvironmentVariables env) {
        Optional<String> file = env.get("CLOUDFLARE_IP_RANGES_FILE");
        if (file.isEmpty()) {
            return TrustedProxies.shippedCloudflareRanges();
        }
        try {
            return TrustedProxies.rangesIn(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException unreadable) {
            env.problem("CLOUDFLARE_IP_RANGES_FILE", "file not found or not readable");
            return List.of();
        }
    }
}
