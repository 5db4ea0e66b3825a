package dev.launchline.suppression;

import dev.launchline.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks that an SNS message was signed by Amazon SNS, for one of our topics, as AWS describes
 * (docs/email-reputation.md): the topic is one we subscribed; the certificate comes from an https
 * URL on an SNS host (SES_SNS_HOST_PATTERN; plain http only in dev and test, for the local fake),
 * and that TLS connection to Amazon is what vouches for it; the signature (version 1: SHA1withRSA,
 * 2: SHA256withRSA) covers the string SNS signed. Certificates are kept by URL: SNS signs with few,
 * and a notification must not cost a fetch. Also the one place that opens SubscribeURL, under
 * the same host rule.
 */
final class SnsVerifier {
    private static final Logger log = LoggerFactory.getLogger(SnsVerifier.class);
    private static final int MAX_CACHED_CERTIFICATES = 32;
    /** How SNS names its certificates: a forged URL cannot send us fetching any path on an SNS host. */
    private static final Pattern CERTIFICATE_PATH = Pattern.compile("/SimpleNotificationService-[A-Za-z0-9]{1,64}\\.pem");

    private final java.util.Set<String> topicArns;
    private final Pattern hostPattern;
    private final boolean allowPlainHttp;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();

    SnsVerifier(java.util.Set<String> topicArns, Pattern hostPattern, boolean allowPlainHttp) {
        this.topicArns = java.util.Set.copyOf(topicArns);
        this.hostPattern = hostPattern;
        this.allowPlainHttp = allowPlainHttp;
    }

    /** Throws a 403 unless the message is genuine and for one of our topics. */
    void verify(SnsMessage message) {
        if (!topicArns.contains(message.topicArn())) {
            throw refused("The message is for a topic this service does not subscribe to.");
        }
        String algorithm = switch (message.signatureVersion()) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw refused("SignatureVersion must be 1 or 2.");
        };
        URI certificateUrl = allowedUrl(message.signingCertUrl())
                .filter(url -> url.getRawQuery() == null && CERTIFICATE_PATH.matcher(url.getRawPath()).matches())
                .orElseThrow(() -> refused("SigningCertURL is not an Amazon SNS certificate."));
        X509Certificate certificate = certificate(certificateUrl);
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(Base64.getDecoder().decode(message.signature()))) {
                throw refused("The signature does not match the message.");
            }
        } catch (GeneralSecurityException | IllegalArgumentException unverifiable) {
            throw refused("The signature does not match the message.");
        }
    }

    /** Confirms the subscription by opening its SubscribeURL, which must be on an SNS host too. */
    void confirm(SnsMessage message) {
        URI url = allowedUrl(message.subscribeUrl().orElseThrow())
                .orElseThrow(() -> refused("SubscribeURL is not an Amazon SNS address."));
        HttpResponse<Void> response = get(url, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            log.warn("SNS subscription to {} not confirmed: SNS answered {}", message.topicArn(), response.statusCode());
            throw new ApiException(502, "confirmation_failed", "Amazon SNS did not accept the confirmation; it will ask again.");
        }
        log.info("SNS subscription to {} confirmed", message.topicArn());
    }

    private X509Certificate certificate(URI url) {
        X509Certificate known = certificates.get(url.toString());
        if (known != null) {
            return known;
        }
        HttpResponse<byte[]> response = get(url, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw refused("The signing certificate could not be fetched.");
        }
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
            certificate.checkValidity();
            if (certificates.size() >= MAX_CACHED_CERTIFICATES) {
                certificates.clear();
            }
            certificates.put(url.toString(), certificate);
            return certificate;
        } catch (GeneralSecurityException | ClassCastException notACertificate) {
            throw refused("The signing certificate is not a valid X.509 certificate.");
        }
    }

    private <T> HttpResponse<T> get(URI url, HttpResponse.BodyHandler<T> body) {
        try {
            return client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(), body);
        } catch (IOException unreachable) {
            log.warn("Amazon SNS unreachable at {}: {}", url.getHost(), unreachable.toString());
            throw new ApiException(503, "provider_unreachable", "Amazon SNS could not be reached; send the message again.");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "provider_unreachable", "Interrupted; send the message again.");
        }
    }

    private Optional<URI> allowedUrl(String text) {
        try {
            URI url = new URI(text);
            boolean schemeAllowed = "https".equals(url.getScheme()) || (allowPlainHttp && "http".equals(url.getScheme()));
            return schemeAllowed && url.getHost() != null && url.getRawUserInfo() == null
                    && hostPattern.matcher(url.getHost()).matches() ? Optional.of(url) : Optional.empty();
        } catch (java.net.URISyntaxException malformed) {
            return Optional.empty();
        }
    }

    private static ApiException refused(String why) {
        return new ApiException(403, "signature_invalid", why);
    }
}
