package dev.qlens.cli.jobs.check;

/**
 * One result of {@code qlens check}.
 *
 * @param severity error (the checkpoint is not compliant), warning or info
 * @param layer the layer or tensor concerned ("-" for the whole checkpoint)
 * @param rule a stable identifier of the rule, e.g. {@code fp8-nan-codes} (see docs/check.md)
 * @param message what is wrong, in the user's terms
 */
public record Finding(Severity severity, String layer, String rule, String message) {
    /** How serious a finding is. */
    public enum Severity {
        /** Makes the checkpoint non-compliant (exit code 1). */
        ERROR,
        /** Loads and works, but something is off (custom-node format, unusual range). */
        WARNING,
        /** For the record (which ComfyUI first loads the format). */
        INFO;

        /** Lower-case name for reports. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An error. */
    public static Finding error(String layer, String rule, String message) {
        return new Finding(Severity.ERROR, layer, rule, message);
    }

    /** A warning. */
    public static Finding warning(String layer, String rule, String message) {
        return new Finding(Severity.WARNING, layer, rule, message);
    }

    /** An info line. */
    public static Finding info(String layer, String rule, String message) {
        return new Finding(Severity.INFO, layer, rule, message);
    }
}
