package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.metrics.ErrorMetrics;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An automatic-protection rule of {@code --keep-if}: a layer whose measured error after quantizing
 * satisfies the condition is kept in its original precision (or given the fallback format). Metrics:
 * {@code snr} (dB), {@code rel} (relative Frobenius error ||Q - W|| / ||W||), {@code cos} (cosine
 * similarity); operators {@code <}, {@code <=}, {@code >}, {@code >=}. Example: {@code snr<30}.
 */
public record KeepRule(String metric, String op, double threshold) {
    private static final Pattern SYNTAX = Pattern.compile("\\s*(snr|rel|cos)\\s*(<=|>=|<|>)\\s*([-+0-9.eE]+)\\s*");

    /**
     * Parses a rule.
     *
     * @throws IllegalArgumentException with the accepted syntax
     */
    public static KeepRule parse(String text) {
        Matcher m = SYNTAX.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--keep-if '" + text + "': expected METRIC OP NUMBER with METRIC snr (dB),"
                    + " rel (relative Frobenius error) or cos (cosine), OP one of < <= > >=; e.g. \"snr<30\" or \"rel>0.05\"");
        }
        double v;
        try {
            v = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--keep-if '" + text + "': '" + m.group(3) + "' is not a number");
        }
        return new KeepRule(m.group(1), m.group(2), v);
    }

    /** The metric's value for a layer. */
    public double value(ErrorMetrics e) {
        switch (metric) {
            case "snr":
                return e.snrDb();
            case "rel":
                return e.relativeL2();
            default:
                return e.cosine();
        }
    }

    /** Whether the layer's error satisfies the rule (so the layer should be kept). */
    public boolean keeps(ErrorMetrics e) {
        double v = value(e);
        if (Double.isNaN(v)) {
            return true;
        }
        switch (op) {
            case "<":
                return v < threshold;
            case "<=":
                return v <= threshold;
            case ">":
                return v > threshold;
            default:
                return v >= threshold;
        }
    }

    @Override
    public String toString() {
        return metric + op + threshold;
    }
}
