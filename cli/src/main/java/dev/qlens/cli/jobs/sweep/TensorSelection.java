package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.io.NameFilter;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which tensors a sweep covers, as the seed tool chooses them: names containing "weight"
 * (case-insensitive) that are not DeepSeek scale grids, or every tensor when no name does; then the
 * filters (a dotted query matches dot-separated prefixes, anything else a case-insensitive substring;
 * or regular expressions); sorted by name; the first {@code limit}. Tensors without a float32 view
 * (unsupported quantization, complex) and empty tensors are left out.
 */
public final class TensorSelection {
    private TensorSelection() {
    }

    /** The selected tensors, sorted by name. */
    public static List<LogicalTensor> select(CheckpointView view, List<String> filters, boolean regex, Integer limit) {
        List<LogicalTensor> readable = new ArrayList<>();
        for (LogicalTensor t : view.tensors()) {
            if (t.kind() != LogicalTensor.Kind.UNSUPPORTED && t.numel() > 0 && t.storedDtype() != null
                    && (t.storedDtype().isFloatingPoint() || t.isQuantized() || t.storedDtype().isInteger())) {
                readable.add(t);
            }
        }
        List<LogicalTensor> weights = readable.stream()
                .filter(t -> t.name().toLowerCase(Locale.ROOT).contains("weight") && !t.name().endsWith("_scale_inv"))
                .toList();
        List<LogicalTensor> pool = weights.isEmpty() ? readable : weights;
        NameFilter f = NameFilter.of(filters, regex);
        List<LogicalTensor> out = new ArrayList<>(pool.stream().filter(t -> f.test(t.name())).toList());
        out.sort(Comparator.comparing(LogicalTensor::name));
        if (limit != null && limit >= 0 && out.size() > limit) {
            return new ArrayList<>(out.subList(0, limit));
        }
        return out;
    }
}
