package dev.launchline.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the relative links of Markdown files that lead nowhere: a target file that does not exist, or a
 * {@code #anchor} that matches no heading of the target. External links (http, https, mailto) are not
 * fetched. Links inside code (fenced blocks and `spans`) are not links and are skipped.
 */
final class MarkdownLinks {

    /** {@code [text](target)} or {@code ![alt](target "title")}; the text may not hold a ']' (ours never do). */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    private static final Pattern EXTERNAL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    record Broken(Path file, int line, String target, String problem) {
        @Override
        public String toString() {
            return file + ":" + line + ": (" + target + ") " + problem;
        }
    }

    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    List<Broken> brokenLinks(Path markdownFile) {
        List<Broken> broken = new ArrayList<>();
        List<String> lines = read(markdownFile);
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                String problem = problemWith(markdownFile, target);
                if (problem != null) {
                    broken.add(new Broken(markdownFile, i + 1, target, problem));
                }
            }
        }
        return broken;
    }

    private String problemWith(Path markdownFile, String target) {
        if (EXTERNAL.matcher(target).find()) {
            return null;
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path targetFile = pathPart.isEmpty()
                ? markdownFile
                : markdownFile.toAbsolutePath().getParent().resolve(pathPart).normalize();
        if (!Files.exists(targetFile)) {
            return "no such file: " + targetFile;
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!targetFile.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        if (!anchorsOf(targetFile).contains(anchor)) {
            return "no heading with the anchor #" + anchor + " in " + targetFile.getFileName()
                    + " (anchors there: " + anchorsOf(targetFile) + ")";
        }
        return null;
    }

    private Set<String> anchorsOf(Path markdownFile) {
        return anchorsByFile.computeIfAbsent(markdownFile.toAbsolutePath().normalize(), file -> {
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean inFence = false;
            for (String line : read(file)) {
                if (FENCE.matcher(line).find()) {
                    inFence = !inFence;
                    continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (!inFence && heading.matches()) {
                    String slug = slug(heading.group(1));
                    int times = seen.merge(slug, 1, Integer::sum);
                    anchors.add(times == 1 ? slug : slug + "-" + (times - 1)); // GitHub numbers repeats
                }
            }
            return anchors;
        });
    }

    /**
     * GitHub's anchor for a heading: the text as rendered (link targets, code and emphasis marks gone),
     * lower case, every character that is not a letter, digit, space, '-' or '_' dropped, spaces turned into '-'.
     */
    static String slug(String headingText) {
        String rendered = headingText
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // [text](target) -> text
                .replaceAll("[`*]", "");
        StringBuilder slug = new StringBuilder();
        rendered.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                slug.append('-');
            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            }
        });
        return slug.toString();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
