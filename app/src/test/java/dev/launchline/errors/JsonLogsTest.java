package dev.launchline.errors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.Main;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With LOG_FORMAT=json a log collector reads stdout: every line of a start is JSON, the banner too. */
class JsonLogsTest {

    @Test
    void with_json_logs_the_start_prints_only_json_lines() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        builder.environment().clear();
        builder.environment().put("APP_ENV", "test");
        builder.environment().put("LOG_FORMAT", "json");
        builder.environment().put("PORT", String.valueOf(TestStack.freePort()));
        builder.environment().put("DATABASE_URL", TestDatabases.fresh());
        builder.environment().put("DATABASE_USER", "postgres");
        builder.environment().put("SMTP_HOST", "127.0.0.1");
        builder.environment().put("SMTP_PORT", String.valueOf(TestStack.freePort()));
        builder.environment().put("TOKEN_SIGNING_KEY", TestStack.SIGNING_KEY);
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
