package dev.qlens.formats.convention;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which stored tensors the detectors have explained so far. */
final class Claims {
    final Map<String, LogicalTensor> byDataTensor = new LinkedHashMap<>();
    final Set<String> auxiliary = new HashSet<>();
    final List<String> warnings = new ArrayList<>();
    final Set<Convention> found = new java.util.LinkedHashSet<>();

    boolean taken(String raw) {
        return byDataTensor.containsKey(raw) || auxiliary.contains(raw);
    }

    /** Records a logical tensor built from {@code dataTensor} and the auxiliary tensors in its sources. */
    void claim(String dataTensor, LogicalTensor t) {
        byDataTensor.put(dataTensor, t);
        for (String s : t.sources()) {
            if (!s.equals(dataTensor)) {
                auxiliary.add(s);
            }
        }
        found.add(t.convention());
    }

    /** Marks tensors that carry no weight data of their own (markers, activation scales). */
    void auxiliary(String... names) {
        for (String n : names) {
            auxiliary.add(n);
        }
    }
}
