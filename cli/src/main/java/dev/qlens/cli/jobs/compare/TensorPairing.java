package dev.qlens.cli.jobs.compare;

import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Matches the tensors of two checkpoint views by name, in the original's order, and sorts out what
 * cannot be compared: tensors missing on either side, shape mismatches, tensors whose quantization
 * qlens cannot read, and empty tensors. None of these stops the comparison; all are reported.
 */
public final class TensorPairing {
    /** Two tensors to compare. */
    public record Pair(LogicalTensor original, LogicalTensor quantized) {
        /** The common name. */
        public String name() {
            return original.name();
        }

        /** Elements per side. */
        public long numel() {
            return original.numel();
        }
    }

    /** A tensor that was not compared, and why. */
    public record Skipped(String name, String reason) {
    }

    private final List<Pair> pairs = new ArrayList<>();
    private final List<String> missingInQuantized = new ArrayList<>();
    private final List<String> missingInOriginal = new ArrayList<>();
    private final List<Skipped> shapeMismatches = new ArrayList<>();
    private final List<Skipped> unsupported = new ArrayList<>();
    private final List<String> empty = new ArrayList<>();

    /** Matches the tensors of the two views that pass the options' filter. */
    public static TensorPairing of(CheckpointView original, CheckpointView quantized, CompareOptions o) {
        TensorPairing p = new TensorPairing();
        for (LogicalTensor a : original.tensors()) {
            if (!o.selects(a.name())) {
                continue;
            }
            LogicalTensor b = quantized.tensor(a.name());
            if (b == null) {
                p.missingInQuantized.add(a.name());
            } else if (a.kind() == LogicalTensor.Kind.UNSUPPORTED || b.kind() == LogicalTensor.Kind.UNSUPPORTED) {
                LogicalTensor bad = b.kind() == LogicalTensor.Kind.UNSUPPORTED ? b : a;
                p.unsupported.add(new Skipped(a.name(), (bad == b ? "quantized: " : "original: ") + bad.scheme()));
            } else if (!Arrays.equals(a.shape(), b.shape()) && b.croppedTo(a.shape()) != null) {
                p.pairs.add(new Pair(a, b.croppedTo(a.shape())));
            } else if (!Arrays.equals(a.shape(), b.shape())) {
                p.shapeMismatches.add(new Skipped(a.name(), "original " + Shapes.toString(a.shape()) + " vs quantized "
                        + Shapes.toString(b.shape())));
            } else if (a.numel() == 0) {
                p.empty.add(a.name());
            } else {
                p.pairs.add(new Pair(a, b));
            }
        }
        for (LogicalTensor b : quantized.tensors()) {
            if (o.selects(b.name()) && original.tensor(b.name()) == null) {
                p.missingInOriginal.add(b.name());
            }
        }
        return p;
    }

    /** What was left out of a comparison, and why: all of the pairing a report needs besides the pairs. */
    public record Skips(List<String> missingInQuantized, List<String> missingInOriginal, List<Skipped> shapeMismatches,
                        List<Skipped> unsupported, List<String> empty) {
    }

    /** The skipped tensors. */
    public Skips skips() {
        return new Skips(missingInQuantized, missingInOriginal, shapeMismatches, unsupported, empty);
    }

    /** A pairing with no pairs left to compare and these skips (a merged report's). */
    public static TensorPairing restored(Skips s) {
        TensorPairing p = new TensorPairing();
        p.missingInQuantized.addAll(s.missingInQuantized());
        p.missingInOriginal.addAll(s.missingInOriginal());
        p.shapeMismatches.addAll(s.shapeMismatches());
        p.unsupported.addAll(s.unsupported());
        p.empty.addAll(s.empty());
        return p;
    }

    /** The pairs to compare, in the original's order. */
    public List<Pair> pairs() {
        return pairs;
    }

    /** Original tensors with no counterpart. */
    public List<String> missingInQuantized() {
        return missingInQuantized;
    }

    /** Quantized tensors with no counterpart. */
    public List<String> missingInOriginal() {
        return missingInOriginal;
    }

    /** Pairs whose shapes differ. */
    public List<Skipped> shapeMismatches() {
        return shapeMismatches;
    }

    /** Pairs with a tensor qlens cannot dequantize. */
    public List<Skipped> unsupported() {
        return unsupported;
    }

    /** Pairs with no elements. */
    public List<String> empty() {
        return empty;
    }
}
