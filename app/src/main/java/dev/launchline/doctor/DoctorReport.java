package dev.launchline.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.launchline.doctor.Finding.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The findings ranked (blockers, then warnings, then what is fine), as text, JSON or Markdown. */
final class DoctorReport {
    private final String domain;
    private final List<Finding> findings;

    DoctorReport(String domain, List<Finding> findings) {
        this.domain = domain;
        List<Finding> ranked = new ArrayList<>(findings);
        ranked.sort(Comparator.comparing(Finding::severity)); // stable: checks keep their order within a rank
        this.findings = List.copyOf(ranked);
    }

    List<Finding> findings() {
        return findings;
    }

    long count(Severity severity) {
        return findings.stream().filter(finding -> finding.severity() == severity).count();
    }

    int exitCode() {
        return count(Severity.BLOCKER) > 0 ? 1 : 0;
    }

    private String summary() {
        return count(Severity.BLOCKER) + " blocker(s), " + count(Severity.WARNING) + " warning(s), " + count(Severity.OK) + " ok";
    }

    String text() {
        StringBuilder out = new StringBuilder("launch doctor: " + domain + ": " + summary() + "\n");
        for (Finding finding : findings) {
            out.append(String.format("%-8s %-24s %s%n", finding.severity().label().toUpperCase(java.util.Locale.ROOT),
                    finding.check(), finding.title()));
            out.append("         saw: ").append(finding.evidence()).append('\n');
            if (finding.severity() != Severity.OK) {
                out.append("         why: ").append(finding.why()).append('\n');
                out.append("         fix: ").append(finding.fix()).append('\n');
            }
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder out = new StringBuilder("# Launch doctor: " + domain + "\n\n**" + summary() + "**\n\n");
        out.append("| severity | check | finding | evidence | why it matters | fix |\n|---|---|---|---|---|---|\n");
        for (Finding finding : findings) {
            out.append("| ").append(finding.severity().label()).append(" | `").append(finding.check()).append("` | ")
                    .append(cell(finding.title())).append(" | ").append(cell(finding.evidence())).append(" | ")
                    .append(cell(finding.why())).append(" | ").append(cell(finding.fix())).append(" |\n");
        }
        return out.toString();
    }

    String json() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("domain", domain);
        report.put("blockers", count(Severity.BLOCKER));
        report.put("warnings", count(Severity.WARNING));
        report.put("ok", count(Severity.OK));
        List<Map<String, String>> items = new ArrayList<>();
        for (Finding finding : findings) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("severity", finding.severity().label());
            item.put("check", finding.check());
            item.put("title", finding.title());
            item.put("evidence", finding.evidence());
            item.put("why", finding.why());
            item.put("fix", finding.fix());
            items.add(item);
        }
        report.put("findings", items);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n";
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
