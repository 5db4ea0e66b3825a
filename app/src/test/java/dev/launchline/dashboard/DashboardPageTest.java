package dev.launchline.dashboard;

import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /admin and its assets over plain HTTP: headers, caching, and only our own files. */
class DashboardPageTest {
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/admin/assets/[0-9a-f]{16}/[a-z.]+)\"");

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();

    private static List<String> assetPaths(String html) {
        Matcher matcher = ASSET.matcher(html);
        return matcher.results().map(match -> match.group(1)).toList();
    }

    @Test
    void the_page_needs_no_token_and_carries_its_own_strict_policy_instead_of_the_global_one() {
        Http.Response page = stack.http().getHtml("/admin");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).isEqualTo("default-src 'none'; script-src 'self'; "
                + "style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'none'");
        assertThat(page.raw().headers().allValues("Content-Security-Policy")).hasSize(1);
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        // nothing the policy would refuse: no inline script or style, nothing from another host
        assertThat(page.body()).doesNotContain("<script>", "style=", "<style", "http://", "https://", "{{");
        assertThat(assetPaths(page.body())).hasSize(3);
    }

    @Test
    void assets_are_served_from_the_jar_under_a_content_hash_and_cached_for_a_year() {
        for (String path : assetPaths(stack.http().getHtml("/admin").body())) {
            Http.Response asset = stack.http().get(path);
            assertThat(asset.status()).as(path).isEqualTo(200);
            assertThat(asset.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(asset.header("Content-Type"))
                    .isEqualTo(path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
            assertThat(asset.header("Content-Security-Policy")).contains("script-src 'self'");
        }
        String chart = assetPaths(stack.http().getHtml("/admin").body()).stream()
                .filter(path -> path.endsWith("chart.umd.min.js")).findFirst().orElseThrow();
        assertThat(stack.http().get(chart).body()).startsWith("/*!\n * Chart.js v4.6.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/admin/assets/0000000000000000/dashboard.js", // an old version after a deploy
            "/admin/assets/x/index.html",
            "/admin/assets/x/..%2f..%2flaunchline-build.properties",
            "/admin/assets/x/%2e%2e",
            "/admin/assets/x/chart.js-LICENSE.md"})
    void anything_but_a_current_asset_is_404(String path) {
        Http.Response response = stack.http().get(path);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().at("/error/code").asText()).isEqualTo("not_found");
    }
}
