package dev.launchline.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README is the front door and the docs and runbooks are where it sends people: every relative link
 * among them must lead to a file that exists and, with a {@code #anchor}, to a heading in it. Nothing is
 * fetched from the network; external links are not checked.
 */
class DocumentationLinksTest {

    private static final int README_MAX_LINES = 200;

    /** Maven runs the app module's tests in {@code app/}; the documentation lives one level up. */
    private static Path repositoryRoot() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("pom.xml")).as("the repository root's pom.xml, seen from " + Path.of("").toAbsolutePath())
                .isRegularFile();
        assertThat(root.resolve("README.md")).isRegularFile();
        assertThat(root.resolve("app")).isDirectory();
        return root;
    }

    private static List<Path> documentation(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        for (String folder : List.of("docs", "runbooks")) {
            Path dir = root.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> markdown = Files.list(dir)) {
                    markdown.filter(file -> file.toString().endsWith(".md")).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    @Test
    void every_relative_link_in_the_readme_docs_and_runbooks_leads_to_a_file_and_heading_that_exist() throws IOException {
        Path root = repositoryRoot();
        List<Path> files = documentation(root);
        assertThat(files).as("README.md, docs/*.md and runbooks/*.md").hasSizeGreaterThan(2);

        MarkdownLinks links = new MarkdownLinks();
        List<MarkdownLinks.Broken> broken = new ArrayList<>();
        for (Path file : files) {
            broken.addAll(links.brokenLinks(file));
        }

        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void the_readme_stays_a_front_door_of_at_most_200_lines() throws IOException {
        List<String> lines = Files.readAllLines(repositoryRoot().resolve("README.md"));

        assertThat(lines.size()).as("README.md lines; reference belongs in docs/, procedures in runbooks/")
                .isLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void a_missing_file_a_missing_heading_and_a_missing_anchor_in_the_same_file_are_each_reported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("target.md"), """
                # Target
                ## Rate limits (per IP)
                ## Rate limits (per IP)
                """);
        Files.writeString(dir.resolve("source.md"), """
                # Source
                [fine](target.md) [fine too](target.md#rate-limits-per-ip) [the repeat](target.md#rate-limits-per-ip-1)
                [self](#source) [web](https://example.com/nowhere.md#x)
                [gone](missing.md)
                [no such heading](target.md#rate-limits)
                [not here either](#target)
                `[in code](missing-in-code.md)`
                ```
                [in a block](missing-in-block.md)
                ```
                """);

        List<MarkdownLinks.Broken> broken = new MarkdownLinks().brokenLinks(dir.resolve("source.md"));

        assertThat(broken).extracting(MarkdownLinks.Broken::target)
                .containsExactly("missing.md", "target.md#rate-limits", "#target");
        assertThat(broken).extracting(MarkdownLinks.Broken::line).containsExactly(4, 5, 6);
    }

    @Test
    void headings_become_anchors_by_githubs_rules() {
        assertThat(MarkdownLinks.slug("The two commands")).isEqualTo("the-two-commands");
        assertThat(MarkdownLinks.slug("Bots and list-bombing")).isEqualTo("bots-and-list-bombing");
        assertThat(MarkdownLinks.slug("Start to ready (JDK 25+)")).isEqualTo("start-to-ready-jdk-25");
        assertThat(MarkdownLinks.slug("`REDIS_URL` and Redis")).isEqualTo("redis_url-and-redis");
        assertThat(MarkdownLinks.slug("Tried → result")).isEqualTo("tried--result");
        assertThat(MarkdownLinks.slug("See [the API](api.md)")).isEqualTo("see-the-api");
    }
}
