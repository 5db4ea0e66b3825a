package dev.launchline.errors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.MainProcess;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With LOG_FORMAT=json a log collector reads stdout: every line of a start is JSON, the banner too. */
class JsonLogsTest {

    @Test
    void with_json_logs_the_start_prints_only_json_lines() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APP_ENV", "test");
        env.put("LOG_FORMAT", "json");
        env.put("PORT", String.valueOf(TestStack.freePort()));
        env.put("DATABASE_URL", TestDatabases.fresh());
        env.put("DATABASE_USER", "postgres");
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(TestStack.freePort()));
        env.put("TOKEN_SIGNING_KEY", TestStack.SIGNING_KEY);
        ProcessBuilder builder = MainProcess.with(env);
        Process service = builder.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.contains("Launchline is running")) {
                    break;
                }
            }
        } finally {
            service.destroy();
            service.waitFor();
        }

        assertThat(lines).as("the start announced itself").anyMatch(line -> line.contains("Launchline is running"));
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            if (!line.isBlank()) {
                JsonNode parsed = json.readTree(line); // throws on a plain-text line
                assertThat(parsed.isObject()).as(line).isTrue();
            }
        }
    }
}
