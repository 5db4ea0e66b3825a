package dev.launchline.http;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import dev.launchline.support.Http;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends real requests to a running service and checks each request and its response against
 * docs/openapi.yaml with Atlassian's validator; remembers which documented operations were seen to
 * succeed, so a test can tell which ones no request has covered.
 */
final class ContractClient {
    /** The one description, as the repository holds it (tests run in app/). */
    static final Path DESCRIPTION = Path.of("..", "docs", "openapi.yaml");
    private static final AtomicInteger nextIp = new AtomicInteger(1);

    private final Http http;
    private final OpenApiInteractionValidator validator;
    private final OpenAPI description;
    private final Set<String> succeeded = ConcurrentHashMap.newKeySet();

    ContractClient(Http http) {
        this.http = http;
        String yaml = text(DESCRIPTION);
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(yaml).build();
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml);
        assertThat(parsed.getMessages()).as("what the OpenAPI parser finds wrong with docs/openapi.yaml").isEmpty();
        this.description = parsed.getOpenAPI();
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** A client IP no other request uses (the stack trusts CF-Connecting-IP from localhost): per-IP limits stay out of the way. */
    static String freshIp() {
        int n = nextIp.getAndIncrement();
        return "203.0." + (n / 250) + "." + (n % 250 + 1);
    }

    /** Every operation the description documents, as "METHOD /path". */
    Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        description.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> operations.add(method.name() + " " + path)));
        return operations;
    }

    /** The documented operations that at least one request got a 1xx-3xx answer from. */
    Set<String> succeededOperations() {
        return new TreeSet<>(succeeded);
    }

    Call call(String method, String target) {
        return new Call(method, target);
    }

    /** One request: built fluently, then sent with {@link #send()} or {@link #sendInvalid()}. */
    final class Call {
        private final String method;
        private final String target;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body;

        private Call(String method, String target) {
            this.method = method;
            this.target = target;
            headers.put("Accept", "application/json");
            headers.put("CF-Connecting-IP", freshIp());
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Call json(String json) {
            headers.put("Content-Type", "application/json");
            body = json;
            return this;
        }

        /** An HTML form's post, as a browser sends it. */
        Call form(String urlEncoded) {
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            headers.put("Accept", "text/html");
            body = urlEncoded;
            return this;
        }

        Call body(String contentType, String content) {
            headers.put("Content-Type", contentType);
            body = content;
            return this;
        }

        Call bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        Call html() {
            return header("Accept", "text/html");
        }

        Call from(String clientIp) {
            return header("CF-Connecting-IP", clientIp);
        }

        /** A request the description allows: the request and the response must both match it. */
        Http.Response send() {
            return exchange(true);
        }

        /**
         * A request the description does not allow (malformed body, missing token, unknown query
         * parameter): only the service's answer is checked against the description.
         */
        Http.Response sendInvalid() {
            return exchange(false);
        }

        private Http.Response exchange(boolean requestToo) {
            HttpRequest.Builder sent = HttpRequest.newBuilder(URI.create(http.base() + target))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(sent::header);
            Http.Response response = http.send(sent);

            URI uri = URI.create(target);
            Request request = request(uri);
            SimpleResponse.Builder answer = new SimpleResponse.Builder(response.status()).withBody(response.body());
            response.raw().headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) {
                    answer.withHeader(name, values);
                }
            });
            ValidationReport report = requestToo
                    ? validator.validate(request, answer.build())
                    : validator.validateResponse(uri.getRawPath(), Request.Method.valueOf(method), answer.build());
            assertThat(report.hasErrors())
                    .as("%s %s -> %d does not match docs/openapi.yaml:%n%s%nresponse body: %s", method, target,
                            response.status(), SimpleValidationReportFormat.getInstance().apply(report),
                            abbreviated(response.body()))
                    .isFalse();
            if (response.status() < 400) {
                documentedPath(uri.getRawPath()).ifPresent(path -> succeeded.add(method + " " + path));
            }
            return response;
        }

        private Request request(URI uri) {
            SimpleRequest.Builder request = new SimpleRequest.Builder(method, uri.getRawPath());
            headers.forEach(request::withHeader);
            if (body != null) {
                request.withBody(body);
            }
            queryParameters(uri).forEach(request::withQueryParam);
            return request.build();
        }
    }

    private static Map<String, List<String>> queryParameters(URI uri) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return parameters;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The documented path a concrete one matches; a literal segment wins over a parameter. */
    private Optional<String> documentedPath(String concrete) {
        return description.getPaths().keySet().stream()
                .filter(template -> Pattern.compile(
                        "\\Q" + template.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E").matcher(concrete).matches())
                .min(Comparator.comparingLong(template -> template.chars().filter(c -> c == '{').count()));
    }

    private static String abbreviated(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }
}
