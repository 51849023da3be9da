package dev.qlens.cli.jobs.check;

import java.util.List;

/**
 * What {@code qlens check} found.
 *
 * @param checkpoint the checkpoint checked
 * @param mode "quantized" (layout and value rules) or "compliance" (every value representable in a format)
 * @param layers one line per quantized layer (or per checked tensor in compliance mode)
 * @param findings every finding, errors first
 * @param warnings problems reading the checkpoint that did not stop the check
 */
public record CheckReport(String checkpoint, String mode, List<Layer> layers, List<Finding> findings,
                          List<String> warnings) {
    /**
     * One layer or tensor.
     *
     * @param name its name
     * @param scheme how it is stored (convention, format, granularity) or the compliance format
     * @param snrDb SNR against the original (NaN when not compared)
     * @param failures compliance failures (0 in quantized mode)
     * @param examples up to max-examples failing elements (compliance mode)
     */
    public record Layer(String name, String scheme, double snrDb, long failures, List<Example> examples) {
    }

    /**
     * A value that is not representable.
     *
     * @param index element index in the tensor
     * @param value the stored value
     * @param below the nearest representable value below (or equal)
     * @param above the nearest representable value above (or equal)
     */
    public record Example(long index, float value, float below, float above) {
    }

    /** Whether the checkpoint passes (no error-level finding). */
    public boolean compliant() {
        return findings.stream().noneMatch(f -> f.severity() == Finding.Severity.ERROR);
    }

    /** Number of findings of a severity. */
    public long count(Finding.Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }
}
