package dev.qlens.cli.jobs.shard;

import dev.qlens.core.QlensException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Reads the parts to merge and checks that they are all the shards of one run, each exactly once. */
public final class Parts {
    private Parts() {
    }

    /** The parts in shard order. */
    public static List<PartFile.Part> readAll(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new QlensException("no parts given");
        }
        List<PartFile.Part> parts = new ArrayList<>();
        for (Path f : files) {
            parts.add(PartFile.read(f));
        }
        PartHeader h0 = parts.get(0).header();
        TreeSet<Integer> seen = new TreeSet<>();
        for (PartFile.Part p : parts) {
            PartHeader h = p.header();
            if (!h.kind().equals(h0.kind())) {
                throw new QlensException(p.file() + " is a " + h.kind() + " part, " + parts.get(0).file() + " a "
                        + h0.kind() + " part: merge the parts of one run");
            }
            if (h.count() != h0.count() || !h.plan().equals(h0.plan()) || h.items() != h0.items()) {
                throw new QlensException(p.file() + " belongs to another run than " + parts.get(0).file()
                        + " (other shards, checkpoint or selection: " + h.count() + " shards of " + h.items()
                        + " tensors vs " + h0.count() + " of " + h0.items() + ")");
            }
            if (!seen.add(h.shard())) {
                throw new QlensException("shard " + h.shard() + "/" + h.count() + " is given twice (" + p.file() + ")");
            }
        }
        if (seen.size() != h0.count()) {
            List<Integer> missing = new ArrayList<>();
            for (int k = 1; k <= h0.count(); k++) {
                if (!seen.contains(k)) {
                    missing.add(k);
                }
            }
            throw new QlensException("missing shard(s) " + missing + " of " + h0.count() + ": every part of the run is needed");
        }
        parts.sort(Comparator.comparingInt(p -> p.header().shard()));
        return parts;
    }
}
