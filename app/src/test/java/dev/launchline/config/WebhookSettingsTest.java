package dev.launchline.config;

import dev.launchline.Config;
import dev.launchline.webhook.WebhookEndpoint;
import dev.launchline.webhook.WebhookEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** WEBHOOKS as an operator writes it: every mistake named at start, no secret ever echoed. */
class WebhookSettingsTest {
    private static final String SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Test
    void an_endpoint_is_read_with_its_scope_events_and_secrets() {
        Map<String, String> env = ConfigTest.productionEnv();
        env.put("WEBHOOKS", """
                {"endpoints": [{"id": "crm", "url": "https://hooks.rocket.test/in?src=launchline",
                  "events": ["signup.confirmed", "lead.created"], "waitlists": ["beta"], "forms": [],
                  "secret_env": "CRM_WEBHOOK_SECRET"}]}""");
        env.put("CRM_WEBHOOK_SECRET", SECRET + " " + SECRET.replace("MDEy", "OTg3"));
        WebhookEndpoint crm = Config.load(new EnvironmentVariables(env)).webhooks().endpoints().get(0);
        assertThat(crm.events()).containsExactlyInAnyOrder(WebhookEvent.SIGNUP_CONFIRMED, WebhookEvent.LEAD_CREATED);
        assertThat(crm.receives(WebhookEvent.SIGNUP_CONFIRMED, "beta")).isTrue();
        assertThat(crm.receives(WebhookEvent.SIGNUP_CONFIRMED, "other")).isFalse();
        assertThat(crm.receives(WebhookEvent.LEAD_CREATED, "contact")).as("an empty forms list: no form").isFalse();
        assertThat(crm.receives(WebhookEvent.SIGNUP_CREATED, "beta")).as("not subscribed").isFalse();
        assertThat(crm.signer().sign("msg_1", 1_700_000_000L, "{}")).matches("v1,\\S+ v1,\\S+");
        assertThat(crm.toString()).doesNotContain("whsec_", "MDEy");
    }

    @Test
    void no_webhooks_variable_means_no_endpoints() {
        assertThat(Config.load(new EnvironmentVariables(ConfigTest.productionEnv())).webhooks().endpoints()).isEmpty();
    }

    @Test
    void every_mistake_is_named_and_no_secret_is_echoed() {
        Map<String, String> env = ConfigTest.productionEnv();
        env.put("WEBHOOKS", """
                {"endpoints": [
                  {"id": "plain", "url": "http://hooks.rocket.test/in", "events": ["signup.created"], "secret_env": "GOOD"},
                  {"id": "typo", "url": "https://hooks.rocket.test/in", "events": ["signup.create"], "secret_env": "GOOD"},
                  {"id": "nowhere", "url": "https://hooks.rocket.test/in", "events": ["lead.created"],
                   "forms": ["no-such-form"], "secret_env": "GOOD"},
                  {"id": "weak", "url": "https://hooks.rocket.test/in", "events": ["lead.created"], "secret_env": "WEAK"},
                  {"id": "unset", "url": "https://hooks.rocket.test/in", "events": ["lead.created"], "secret_env": "UNSET"},
                  {"id": "typo", "url": "https://hooks.rocket.test/in", "events": ["lead.created"], "secret_env": "GOOD"}]}""");
        env.put("GOOD", SECRET);
        env.put("WEAK", "whsec_c2hvcnQtc2VjcmV0LXZhbHVl"); // 18 bytes: under the specification's 24
        ConfigException error = catchThrowableOfType(ConfigException.class, () -> Config.load(new EnvironmentVariables(env)));
        String problems = String.join("\n", error.problems());
        assertThat(problems)
                .contains("endpoint \"plain\"", "must use https")
                .contains("unknown event \"signup.create\"")
                .contains("no form \"no-such-form\"")
                .contains("WEAK", "whsec_<base64 of 24-64 bytes>")
                .contains("UNSET")
                .contains("is defined twice")
                .doesNotContain("c2hvcnQtc2VjcmV0LXZhbHVl", "MDEyMzQ1");
    }

    @Test
    void malformed_json_and_unknown_keys_are_named() {
        Map<String, String> env = ConfigTest.productionEnv();
        env.put("WEBHOOKS", "{\"endpoints\": [{\"id\": \"crm\", \"adress\": \"https://x.test\"}]}");
        assertThat(catchThrowableOfType(ConfigException.class, () -> Config.load(new EnvironmentVariables(env))).problems())
                .anySatisfy(problem -> assertThat(problem).contains("WEBHOOKS", "unknown key \"adress\""));
        env.put("WEBHOOKS", "{\"endpoints\": [");
        assertThat(catchThrowableOfType(ConfigException.class, () -> Config.load(new EnvironmentVariables(env))).problems())
                .anySatisfy(problem -> assertThat(problem).contains("WEBHOOKS", "not valid JSON"));
        env.put("WEBHOOKS_FILE", "/nonexistent/webhooks.json");
        assertThat(catchThrowableOfType(ConfigException.class, () -> Config.load(new EnvironmentVariables(env))).problems())
                .anySatisfy(problem -> assertThat(problem).contains("either WEBHOOKS or WEBHOOKS_FILE"));
    }

    @Test
    void dev_and_test_may_post_to_plain_http_on_loopback() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("APP_ENV", "test",
                "WEBHOOKS", "{\"endpoints\": [{\"id\": \"local\", \"url\": \"http://127.0.0.1:4000/hooks\", "
                        + "\"events\": [\"signup.created\"], \"secret_env\": \"LOCAL_SECRET\"}]}",
                "LOCAL_SECRET", SECRET));
        assertThat(Config.load(new EnvironmentVariables(env)).webhooks().endpoints())
                .extracting(WebhookEndpoint::id).isEqualTo(java.util.List.of("local"));
    }
}
