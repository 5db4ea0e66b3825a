package dev.launchline.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.support.HeadlessChromium;
import dev.launchline.support.LaunchlineExtension;
import dev.launchline.support.LocalWorker;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The landing page as a visitor gets it: served by the Worker (in workerd) in front of the real
 * service, in a real headless Chromium, with JavaScript on and off. The form is filled and sent,
 * the thank-you page comes back, the signup is stored; axe-core finds no serious accessibility
 * problem; the console stays clean (a CSP violation would show there).
 */
@EnabledIf(value = "aBrowserAndTheWorkerCanRun", disabledReason = HeadlessChromium.MISSING + "; and the Worker "
        + LocalWorker.MISSING)
class LandingPageBrowserTest {
    private static final String SECRET = "edge-browser-k3y-Mx8Qv2Lr6Tn1Wz5Bc9Hj4";
    private static final Path AXE = Path.of("..", "cloudflare", "node_modules", "axe-core", "axe.min.js");
    private static final Path SCREENSHOT = Path.of("target", "landing.png");
    // the service's links and redirects must point at the edge: choose its port before either starts
    private static final int EDGE_PORT = TestStack.freePort();

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(Map.of(
            "ORIGIN_LOCK_SECRET", SECRET,
            "PUBLIC_BASE_URL", "http://127.0.0.1:" + EDGE_PORT,
            "BOT_MIN_FILL_SECONDS", "0")); // a test fills the form faster than a person
    private static LocalWorker worker;

    static boolean aBrowserAndTheWorkerCanRun() {
        return HeadlessChromium.isInstalled() && LocalWorker.canRun();
    }

    @BeforeAll
    static void startTheWorker() throws Exception {
        worker = LocalWorker.start(EDGE_PORT, Map.of("ORIGIN_URL", "http://127.0.0.1:" + stack.service().port(),
                "ORIGIN_LOCK_SECRET", SECRET, "SITE_NAME", "Rocket"));
    }

    @AfterAll
    static void stopTheWorker() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void with_javascript_the_form_gets_its_token_and_the_signup_is_stored() throws Exception {
        WebDriver browser = HeadlessChromium.start(true);
        try {
            browser.get(worker.url() + "/?ref=k3m9p2x7qa");
            // form.js has fetched the bot-defence token through the Worker and added it
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(page ->
                    !page.findElements(By.cssSelector("input[name=form_token]")).isEmpty());
            assertThat(browser.findElement(By.cssSelector("input[name=ref]")).getDomProperty("value")).isEqualTo("k3m9p2x7qa");

            submit(browser, "with-js@rocket-users.test");

            assertThat(browser.findElement(By.tagName("body")).getText()).contains("Check your inbox");
            assertThat(browser.getCurrentUrl()).startsWith(worker.url() + "/thanks");
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("with-js@rocket-users.test"))).isEqualTo(1);
            assertThat(HeadlessChromium.consoleErrors(browser)).as("console errors, CSP violations included").isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void without_javascript_the_plain_form_post_works() {
        WebDriver browser = HeadlessChromium.start(false);
        try {
            browser.get(worker.url() + "/");
            assertThat(browser.findElements(By.cssSelector("input[name=form_token]"))).as("no script ran").isEmpty();

            submit(browser, "without-js@rocket-users.test");

            assertThat(browser.findElement(By.tagName("body")).getText()).contains("Check your inbox");
            assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("without-js@rocket-users.test"))).isEqualTo(1);
        } finally {
            browser.quit();
        }
    }

    @Test
    void axe_finds_no_serious_accessibility_problem_and_a_screenshot_is_kept() throws Exception {
        WebDriver browser = HeadlessChromium.start(true);
        try {
            browser.get(worker.url() + "/");
            JavascriptExecutor script = (JavascriptExecutor) browser;
            script.executeScript(Files.readString(AXE)); // through the browser's devtools, not the page's CSP
            Object result = script.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));");
            JsonNode violations = new ObjectMapper().readTree((String) result);
            List<String> serious = new ArrayList<>();
            for (JsonNode violation : violations) {
                String impact = violation.path("impact").asText();
                if (impact.equals("serious") || impact.equals("critical")) {
                    serious.add(violation.path("id").asText() + ": " + violation.path("help").asText());
                }
            }
            assertThat(serious).isEmpty();

            HeadlessChromium.screenshot(browser, SCREENSHOT);
        } finally {
            browser.quit();
        }
    }

    private static void submit(WebDriver browser, String email) {
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(page -> page.getCurrentUrl().contains("/thanks"));
    }
}
