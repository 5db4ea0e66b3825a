package dev.launchline.db;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expand/contract rule, so that a rollback to the previous release works on the newer schema
 * (RollbackAcrossMigrationDrillTest): a migration only adds (a nullable column or one with a
 * default, a table, an index). Removing or changing what the previous release reads or writes — a
 * column or table dropped or renamed, a type changed, NOT NULL added to an existing column — is a
 * contract step, allowed only in a release after the one that stopped using it, and the migration
 * must say so in a comment: {@code -- contract: <what> unused since <release>}.
 */
class MigrationRulesTest {
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final List<Pattern> CONTRACTING = List.of(
            Pattern.compile("\\bdrop\\s+column\\b"),
            Pattern.compile("\\bdrop\\s+table\\b"),
            Pattern.compile("\\brename\\s+(column\\s+)?\\w+\\s+to\\b"),
            Pattern.compile("\\brename\\s+to\\b"),
            Pattern.compile("\\balter\\s+column\\s+\\w+\\s+(set\\s+data\\s+)?type\\b"),
            Pattern.compile("\\balter\\s+column\\s+\\w+\\s+set\\s+not\\s+null\\b"),
            Pattern.compile("\\badd\\s+column\\s+(if\\s+not\\s+exists\\s+)?\\w+\\s+[^,;]*\\bnot\\s+null\\b(?![^,;]*\\bdefault\\b)"));

    @Test
    void every_migration_only_expands_unless_it_says_it_is_a_contract_step() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".sql")).sorted().toList()) {
                violations.addAll(violations(file.getFileName().toString(), Files.readString(file)));
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void the_rule_catches_what_would_break_the_previous_release() {
        assertThat(violations("V99__x.sql", "alter table signup drop column utm_term;")).hasSize(1);
        assertThat(violations("V99__x.sql", "ALTER TABLE signup RENAME COLUMN name TO full_name;")).hasSize(1);
        assertThat(violations("V99__x.sql", "alter table signup alter column name type varchar(50);")).hasSize(1);
        assertThat(violations("V99__x.sql", "alter table signup alter column company set not null;")).hasSize(1);
        assertThat(violations("V99__x.sql", "alter table signup add column tier text not null;")).hasSize(1);
        assertThat(violations("V99__x.sql", "drop table admin_audit;")).hasSize(1);
        // expanding is fine, and so is a contract step that says why
        assertThat(violations("V99__x.sql", "alter table signup add column tier text not null default 'basic';")).isEmpty();
        assertThat(violations("V99__x.sql", "alter table signup add column tier text; create index i on signup (tier);")).isEmpty();
        assertThat(violations("V99__x.sql", "-- contract: signup.utm_term unused since 0.4.0\nalter table signup drop column utm_term;"))
                .isEmpty();
    }

    private static List<String> violations(String file, String sql) {
        if (sql.lines().anyMatch(line -> line.strip().toLowerCase(Locale.ROOT).startsWith("-- contract:"))) {
            return List.of();
        }
        String code = sql.replaceAll("--[^\\n]*", " ").toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (Pattern contracting : CONTRACTING) {
            var matcher = contracting.matcher(code);
            while (matcher.find()) {
                found.add(file + ": \"" + matcher.group() + "\" would break the previous release after a rollback;"
                        + " expand first, contract in a later release, and mark it with -- contract: ...");
            }
        }
        return found;
    }
}
