package dev.launchline.http;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * GET /openapi.yaml: the OpenAPI 3.1 description of the HTTP API. The one copy is
 * docs/openapi.yaml; the build puts it into the jar (app/pom.xml), and OpenApiContractTest holds
 * it to the service's real requests and responses, so what is served here is what the service does.
 */
public final class ApiDescription {
    public static final String PATH = "/openapi.yaml";
    static final String RESOURCE = "/api/openapi.yaml";

    private final byte[] yaml;

    private ApiDescription(byte[] yaml) {
        this.yaml = yaml;
    }

    /** Reads the description from the classpath once. */
    public static ApiDescription load() {
        try (InputStream in = ApiDescription.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + RESOURCE + " (copied from docs/openapi.yaml)");
            }
            return new ApiDescription(in.readAllBytes());
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    public Routes routes() {
        return routes -> routes.get(PATH, this::serve);
    }

    private void serve(Context ctx) {
        // public by nature: any site's API tool (Swagger UI, an editor) may read it
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.contentType("application/yaml; charset=utf-8");
        ctx.result(yaml);
    }
}
