package dev.launchline.aot;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training run drives the real funnel and stops at the first answer a visitor would not
 * get: when an endpoint changes, this fails instead of a cache silently trained on error paths.
 */
class AotTrainingTest {

    @Test
    void the_training_run_goes_through_the_whole_funnel_and_leaves_nothing_behind() throws IOException {
        List<Path> before = trainingDirs();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = AotTraining.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("aot-train: 600 signups");
        assertThat(trainingDirs()).as("its temporary database is deleted").isEqualTo(before);
    }

    private static List<Path> trainingDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("launchline-aot-train")).sorted().toList();
        }
    }
}
