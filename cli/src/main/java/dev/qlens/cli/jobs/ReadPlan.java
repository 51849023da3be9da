package dev.qlens.cli.jobs;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Tells a checkpoint what a command is about to read, once the command has chosen its tensors: a checkpoint
 * on the Hub then fetches a file whole when the selection is most of it, and byte ranges otherwise.
 */
public final class ReadPlan {
    private ReadPlan() {
    }

    /** The stored tensors behind {@code tensors} (weights and the scales their conventions need). */
    public static void announce(Checkpoint c, Collection<LogicalTensor> tensors) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (LogicalTensor t : tensors) {
            names.addAll(t.sources());
        }
        c.willRead(names);
    }

    /** Every stored tensor (commands that rewrite a whole checkpoint). */
    public static void announceAll(Checkpoint c) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (TensorEntry t : c.tensors()) {
            names.add(t.name());
        }
        c.willRead(names);
    }
}
