package dev.launchline.doctor;

/**
 * One thing the doctor looked at: how bad (blockers lose leads or mail; warnings are risks), what
 * it saw, why it matters in one line, and what fixes it (a Terraform variable, a setting, a runbook).
 */
record Finding(Severity severity, String check, String title, String evidence, String why, String fix) {

    enum Severity {
        BLOCKER, WARNING, OK;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Finding ok(String check, String title, String evidence) {
        return new Finding(Severity.OK, check, title, evidence, "", "");
    }
}
