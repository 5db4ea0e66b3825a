package dev.launchline.dashboard;

import dev.launchline.http.Routes;
import dev.launchline.http.ApiException;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /admin: the dashboard page, and GET /admin/assets/{version}/{name}: its script, styles and
 * the vendored chart library, all from the jar (no CDN). The page holds no data and needs no
 * token: it asks for one and calls the admin stats API with it. Each asset's URL carries a hash
 * of its content, so it can be cached for a year and a new release is fetched anew.
 */
public final class DashboardPage {
    /**
     * Only our own files, no inline script or style, no eval; data only from our own API.
     * Chart.js draws on canvas and styles its elements through the CSSOM, which style-src allows.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private static final String RESOURCES = "/dashboard/";
    private static final List<String> ASSETS = List.of("dashboard.css", "dashboard.js", "chart.umd.min.js");

    private record Asset(String version, String contentType, byte[] content) {
    }

    private final Map<String, Asset> assets;
    private final String html;

    private DashboardPage(Map<String, Asset> assets, String html) {
        this.assets = assets;
        this.html = html;
    }

    /** Reads the page and its assets from the classpath once. */
    public static DashboardPage load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        String html = new String(read("index.html"), StandardCharsets.UTF_8);
        for (String name : ASSETS) {
            byte[] content = read("assets/" + name);
            Asset asset = new Asset(hash(content), contentType(name), content);
            assets.put(name, asset);
            html = html.replace("{{asset:" + name + "}}", "/admin/assets/" + asset.version() + "/" + name);
        }
        if (html.contains("{{asset:")) {
            throw new IllegalStateException("dashboard/index.html names an asset that is not in the list");
        }
        return new DashboardPage(Map.copyOf(assets), html);
    }

    /** GET /admin */
    public void page(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // the page is the same for everyone and holds no data, but it names the current asset
        // versions: always revalidated, so a deploy is seen on the next load
        ctx.header("Cache-Control", "no-cache");
        ctx.html(html);
    }

    /** GET /admin/assets/{version}/{name} */
    public void asset(Context ctx) {
        Asset asset = assets.get(ctx.pathParam("name"));
        if (asset == null || !asset.version().equals(ctx.pathParam("version"))) {
            // an old version after a deploy, or a name we do not serve: never a file from elsewhere
            throw ApiException.notFound("This asset");
        }
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.contentType(asset.contentType());
        ctx.result(asset.content());
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + RESOURCES + name);
            }
            return in.readAllBytes();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String contentType(String name) {
        return name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    /** A page without data or token: it asks for a token and calls the stats API. */
    public Routes routes() {
        return routes -> routes.get("/admin", this::page)
                .get("/admin/assets/{version}/{name}", this::asset);
    }
}
