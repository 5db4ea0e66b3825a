package dev.launchline.embedded;

import dev.launchline.devstack.AotTrainer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The AOT cache's training run drives the real service (its own JVM, started as production starts
 * it) through the funnel and stops at the first answer a visitor would not get: when an endpoint
 * changes, this fails instead of a cache silently trained on error paths. The cache it writes is
 * then one the JVM accepts: {@code -XX:AOTMode=on} refuses to start with a cache it cannot use.
 */
class AotTrainerTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void the_training_run_goes_through_the_whole_funnel_writes_a_usable_cache_and_leaves_nothing_behind()
            throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs a JDK 25+ (this is " + Runtime.version() + ")");
        Path work = Files.createTempDirectory("launchline-aot-test");
        Path cache = work.resolve("launchline.aot");
        String classPath = jarredClassPath(work);
        List<Path> before = trainingDirs();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = AotTrainer.train(List.of(JAVA, "-cp", classPath, "dev.launchline.Main"), cache,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("aot-train: 600 signups");
        assertThat(cache).isRegularFile();
        assertThat(trainingDirs()).as("its temporary database is deleted").isEqualTo(before);

        Process withCache = new ProcessBuilder(JAVA, "-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-cp", classPath,
                "dev.launchline.Main", "version").redirectErrorStream(true).start();
        String printed = new String(withCache.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(withCache.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(withCache.exitValue()).as("the JVM starts with the cache required: " + printed).isZero();
        try (Stream<Path> left = Files.walk(work)) {
            left.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * The JVM dumps a cache only for jars (directories on the class path are refused): the
     * service's classes jarred as the build jars them, then its dependencies, without the tests' classes.
     */
    private static String jarredClassPath(Path work) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.endsWith(Path.of("target", "classes"))) {
                entries.add(0, jar(path, work.resolve("launchline-app.jar")).toString());
            } else if (Files.isRegularFile(path)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(path -> !path.equals(classes)).toList()) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                // directories too: Flyway finds db/migration through the class loader, which needs the entry
                out.putNextEntry(new JarEntry(Files.isDirectory(file) ? name + "/" : name));
                if (Files.isRegularFile(file)) {
                    Files.copy(file, out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static List<Path> trainingDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("launchline-aot-train")).sorted().toList();
        }
    }
}
