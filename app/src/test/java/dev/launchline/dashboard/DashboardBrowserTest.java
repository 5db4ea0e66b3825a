package dev.launchline.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.devstack.DevMailServer.CapturedMail;
import dev.launchline.support.HeadlessChromium;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless browser ({@link HeadlessChromium}). Without one the test is
 * skipped, saying why.
 */
@EnabledIf(value = "aHeadlessBrowserIsInstalled", disabledReason = HeadlessChromium.MISSING)
class DashboardBrowserTest {
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();
    private static DashboardFixtures fixtures;

    static boolean aHeadlessBrowserIsInstalled() {
        return HeadlessChromium.isInstalled();
    }

    @BeforeAll
    static void connectTheFixtures() {
        fixtures = new DashboardFixtures(stack.testStack());
    }

    @Test
    void the_dashboard_shows_what_the_stats_api_reports_and_the_console_stays_clean() throws Exception {
        // traffic as visitors make it: signups from two sources, one confirmed by its emailed link, a lead
        signUp("launch", "ada@browser.test", "twitter");
        signUp("launch", "bob@browser.test", "newsletter");
        signUp("instant", "cyd@browser.test", "twitter");
        // a visitor-made source is drawn as text, never run as markup (and the CSP would refuse it anyway)
        signUp("instant", "eve@browser.test", "<img src=x onerror=console.error('xss')>");
        confirm("ada@browser.test");
        assertThat(stack.http().postJson("/api/v1/forms/contact/submissions",
                "{\"email\": \"buyer@browser.test\", \"message\": \"Pricing?\"}").status()).isEqualTo(202);
        String token = fixtures.token("dashboard-browser", "read");
        // an operator puts an address on the suppression list (as a bounce from the provider would)
        assertThat(stack.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.http().base()
                        + "/api/v1/admin/suppressions"))
                .header("Authorization", "Bearer " + fixtures.token("dashboard-writer", "write"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\": \"gone@browser.test\"}"))).status())
                .isEqualTo(201);

        WebDriver browser = HeadlessChromium.start(true);
        try {
            browser.get(stack.http().base() + "/admin");
            browser.findElement(By.id("token")).sendKeys(token);
            browser.findElement(By.id("sign-in-button")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(page ->
                    "true".equals(page.findElement(By.tagName("body")).getDomAttribute("data-loaded")));

            JsonNode stats = fixtures.stats(token, "?days=30").json();
            assertThat(stats.at("/signups/total").asInt()).isEqualTo(4);
            assertThat(text(browser, "total-signups")).isEqualTo(stats.at("/signups/total").asText());
            assertThat(text(browser, "release")).isEqualTo(stats.at("/release/release").asText());
            assertThat(text(browser, "referrals-credited")).isEqualTo(stats.at("/referrals/credited").asText());
            assertThat(stats.at("/email/suppressed_addresses").asInt()).isEqualTo(1);
            assertThat(text(browser, "suppressed-addresses")).isEqualTo("1");
            // 3 of 4 confirmed: ada by her link, cyd and eve because "instant" needs no confirmation
            assertThat(text(browser, "confirmation-rate")).isEqualTo("75 %");
            JavascriptExecutor script = (JavascriptExecutor) browser;
            assertThat(script.executeScript("return Chart.getChart('chart-signups').data.datasets"
                    + ".map(d => d.label + '=' + d.data.reduce((a, b) => a + b, 0)).sort().join(',')"))
                    .isEqualTo("instant=2,launch=2");
            assertThat(script.executeScript("return Chart.getChart('chart-sources').data.labels.join(',')"))
                    .isEqualTo("twitter,<img src=x onerror=console.error('xss')>,newsletter");
            assertThat(browser.findElements(By.cssSelector("img"))).isEmpty();
            assertThat(script.executeScript("return Chart.getChart('chart-email').data.labels.join(',')"))
                    .isEqualTo("sent,failing, will retry,dead-lettered,suppressed,backlog");
            for (String chart : List.of("chart-confirmation", "chart-email", "chart-latency")) {
                assertThat(script.executeScript("return Chart.getChart('" + chart + "').data.labels.length"))
                        .as(chart).isNotEqualTo(0L);
            }
            assertThat(browser.manage().getCookies()).isEmpty();

            HeadlessChromium.screenshot(browser, SCREENSHOT);

            List<String> errors = HeadlessChromium.consoleErrors(browser);
            assertThat(errors).as("console errors (CSP violations included)").isEmpty();
            // the log read above is the real one: an error planted now is seen
            script.executeScript("console.error('planted by the test')");
            assertThat(HeadlessChromium.consoleErrors(browser)).anyMatch(line -> line.contains("planted by the test"));
        } finally {
            browser.quit();
        }
    }

    @Test
    void a_wrong_token_brings_the_sign_in_back_with_a_message_and_keeps_nothing() {
        WebDriver browser = HeadlessChromium.start(true);
        try {
            browser.get(stack.http().base() + "/admin");
            browser.findElement(By.id("token")).sendKeys("not-a-real-token");
            browser.findElement(By.id("sign-in-button")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(page ->
                    !page.findElement(By.id("sign-in-error")).getText().isEmpty());

            assertThat(text(browser, "sign-in-error")).contains("not accepted");
            assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
            assertThat(((JavascriptExecutor) browser).executeScript(
                    "return sessionStorage.getItem('launchline.adminToken')")).isNull();
        } finally {
            browser.quit();
        }
    }

    @Test
    void a_write_token_lets_the_next_people_in_after_a_confirmation_and_a_read_token_cannot() {
        // three people long in line (created before any window the dashboard shows, so the figures stay the other test's)
        long first = inLine("instant", "first@invite-browser.test", 1);
        long second = inLine("instant", "second@invite-browser.test", 2);
        long third = inLine("instant", "third@invite-browser.test", 3);
        WebDriver browser = HeadlessChromium.start(true);
        try {
            signIn(browser, fixtures.token("dashboard-invite-reader", "read"));
            askToInvite(browser, "instant", 2);
            browser.findElement(By.id("invite-go")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(page -> !text(page, "invite-error").isEmpty());
            assertThat(text(browser, "invite-error")).contains("only read");
            assertThat(invited()).isEmpty();

            browser.findElement(By.id("sign-out")).click();
            signIn(browser, fixtures.token("dashboard-invite-writer", "write"));
            askToInvite(browser, "instant", 2);
            assertThat(text(browser, "invite-question"))
                    .isEqualTo("Invite the next 2 confirmed people in line on \"instant\"? Each gets an invite email now;"
                            + " this cannot be undone.");
            assertThat(invited()).as("nothing happens before the operator confirms").isEmpty();
            browser.findElement(By.id("invite-cancel")).click();
            assertThat(browser.findElement(By.id("invite-confirm")).isDisplayed()).isFalse();
            assertThat(invited()).isEmpty();

            askToInvite(browser, "instant", 2);
            browser.findElement(By.id("invite-go")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(page -> !text(page, "invite-result").isEmpty());

            assertThat(text(browser, "invite-result")).startsWith("Invited 2 of 2 on \"instant\" (batch ");
            assertThat(browser.findElements(By.cssSelector("#invite-invitees li"))).extracting(WebElement::getText)
                    .containsExactly("first@invite-browser.test", "second@invite-browser.test");
            assertThat(invited()).containsExactlyInAnyOrder(first, second);
            assertThat(browser.findElement(By.id("invite-confirm")).isDisplayed()).isFalse();

            // the next batch starts where this one ended
            askToInvite(browser, "instant", 1);
            browser.findElement(By.id("invite-go")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(page ->
                    text(page, "invite-result").startsWith("Invited 1 of 1"));
            assertThat(invited()).containsExactlyInAnyOrder(first, second, third);
            stack.awaitMailTo("third@invite-browser.test", "You're in");
        } finally {
            browser.quit();
        }
    }

    private static void signIn(WebDriver browser, String token) {
        browser.get(stack.http().base() + "/admin");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in-button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(page ->
                "true".equals(page.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    }

    private static void askToInvite(WebDriver browser, String waitlist, int count) {
        WebElement slug = browser.findElement(By.id("invite-waitlist"));
        slug.clear();
        slug.sendKeys(waitlist);
        WebElement howMany = browser.findElement(By.id("invite-count"));
        howMany.clear();
        howMany.sendKeys(String.valueOf(count));
        browser.findElement(By.id("invite-prepare")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(page ->
                page.findElement(By.id("invite-confirm")).isDisplayed());
    }

    private static long inLine(String waitlist, String email, long place) {
        return stack.db().insertInto(SIGNUP)
                .set(SIGNUP.WAITLIST, waitlist)
                .set(SIGNUP.EMAIL, email)
                .set(SIGNUP.EMAIL_KEY, email)
                .set(SIGNUP.REFERRAL_CODE, "inv" + place + "x" + System.nanoTime() % 1_000_000)
                .set(SIGNUP.CREATED_AT, OffsetDateTime.now(ZoneOffset.UTC).minusDays(400))
                .set(SIGNUP.CONFIRMED_AT, OffsetDateTime.now(ZoneOffset.UTC).minusDays(400))
                .set(SIGNUP.CONFIRMATION_ORDER, -1_000_000L + place)
                .set(SIGNUP.POSITION_KEY, -1_000_000L + place)
                .returning(SIGNUP.ID)
                .fetchSingle(SIGNUP.ID);
    }

    private static List<Long> invited() {
        return stack.db().select(SIGNUP.ID).from(SIGNUP).where(SIGNUP.INVITED_AT.isNotNull()).fetch(SIGNUP.ID);
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void signUp(String waitlist, String email, String source) {
        assertThat(stack.http().postJson("/api/v1/waitlists/" + waitlist + "/signups",
                "{\"email\": \"" + email + "\", \"utm_source\": \"" + source + "\"}").status()).isBetween(200, 299);
    }

    private static void confirm(String email) {
        CapturedMail mail = stack.awaitMailTo(email, "Confirm");
        String link = mail.links().stream().filter(url -> url.contains("/confirm?")).findFirst().orElseThrow();
        assertThat(stack.http().postForm("/confirm", "token=" + link.substring(link.indexOf("token=") + 6)).status())
                .isEqualTo(200);
    }
}
