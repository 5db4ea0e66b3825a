package dev.launchline.drills;

import dev.launchline.support.Runbook;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds the runbooks to their promise: every step marked {@code drill=NAME} is run by a drill
 * (a test that loads that runbook and names the step), and every runbook has the sections an
 * operator looks for and names the drill or test that carries it out. Runs with the unit tests,
 * so a new unmarked or undrilled step fails fast.
 */
class RunbookDrillStepsTest {

    @Test
    void every_drill_step_of_every_runbook_is_run_by_a_drill() throws IOException {
        List<String> drills = drillSources();
        List<String> undrilled = new ArrayList<>();
        for (Path runbook : runbooks()) {
            String file = runbook.getFileName().toString();
            Map<String, String> steps = Runbook.load(file).steps();
            for (String step : steps.keySet()) {
                boolean run = drills.stream().anyMatch(drill ->
                        drill.contains("Runbook.load(\"" + file + "\")") && drill.contains("\"" + step + "\""));
                if (!run) {
                    undrilled.add(file + " drill=" + step);
                }
            }
        }
        assertThat(undrilled).as("steps marked drill= that no drill runs").isEmpty();
    }

    @Test
    void every_runbook_has_the_operators_sections_and_names_what_proves_it() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path runbook : runbooks()) {
            String text = Files.readString(runbook);
            String file = runbook.getFileName().toString();
            if (file.equals("README.md")) {
                continue;
            }
            for (String section : List.of("## When", "## Steps", "## Rollback", "## Escalation")) {
                if (!text.contains(section)) {
                    problems.add(file + ": no '" + section + "'");
                }
            }
            if (!text.contains("## Preconditions") && !text.contains("## Pre-checks")) {
                problems.add(file + ": no '## Preconditions' or '## Pre-checks'");
            }
            if (!text.contains("**Verify:**")) {
                problems.add(file + ": no step says how to **Verify:** it");
            }
            if (!text.matches("(?s).*`[\\w.]+Test`.*")) {
                problems.add(file + ": names no drill or test that carries it out");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void a_marked_block_is_read_as_written_and_unmarked_blocks_are_not_steps() {
        Runbook parsed = Runbook.parse("example.md", List.of(
                "1. Migrate:",
                "   ```sh drill=migrate",
                "   java -jar \"$RELEASE_DIR/launchline.jar\" migrate",
                "   ```",
                "   ```sh",
                "   echo not a drill step",
                "   ```"));
        assertThat(parsed.steps()).containsOnlyKeys("migrate");
        assertThat(parsed.step("migrate")).isEqualTo("java -jar \"$RELEASE_DIR/launchline.jar\" migrate\n");
    }

    private static List<Path> runbooks() throws IOException {
        try (Stream<Path> files = Files.list(Runbook.repository().resolve("runbooks"))) {
            return files.filter(file -> file.toString().endsWith(".md")).sorted().toList();
        }
    }

    /** Each drill's source: a step counts as run by a drill that loads its runbook and names it. */
    private static List<String> drillSources() throws IOException {
        Path drills = Runbook.repository().resolve("app/src/test/java/dev/launchline/drills");
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(drills)) {
            for (Path file : files.filter(source -> source.toString().endsWith("DrillTest.java")).toList()) {
                sources.add(Files.readString(file));
            }
        }
        return sources;
    }
}
