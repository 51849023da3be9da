package dev.qlens.cli.jobs.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups schemes so that the models of one group fit in the heap together: each group shares one
 * float32 pass per batch, so fewer groups means less work, but a group must never run out of memory.
 */
final class MemoryPlan {
    /** Share of the free heap the scheme models of a group may take. */
    private static final double SHARE = 0.6;

    private MemoryPlan() {
    }

    /**
     * An upper bound of one scheme model's heap: float32 linear weights and int8 codes (5 bytes per
     * linear parameter) and its own float32 embedding tables.
     */
    static long bytesPerScheme(long linearParameters, long embeddingParameters) {
        return 5 * linearParameters + 4 * embeddingParameters;
    }

    /**
     * @param freeBytes heap available now
     * @param perBatchBytes float32 layer outputs kept for one batch
     */
    static List<List<Scheme>> groups(List<Scheme> schemes, long perScheme, long freeBytes, long perBatchBytes) {
        long budget = (long) ((freeBytes - perBatchBytes) * SHARE);
        int perGroup = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / Math.max(1, perScheme)));
        List<List<Scheme>> out = new ArrayList<>();
        for (int i = 0; i < schemes.size(); i += perGroup) {
            out.add(new ArrayList<>(schemes.subList(i, Math.min(schemes.size(), i + perGroup))));
        }
        return out;
    }

    /** Heap that can still be allocated: the maximum minus what is in use. */
    static long freeHeap() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }
}
