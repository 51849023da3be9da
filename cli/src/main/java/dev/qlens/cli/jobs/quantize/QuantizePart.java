package dev.qlens.cli.jobs.quantize;

import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.shard.PartHeader;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's share of a quantize run: the file it wrote, the tensors in it, and its layers with their
 * places in the input's order, so that {@code qlens merge} can write the shard set's index and the
 * run's report.
 *
 * @param input the input checkpoint
 * @param output the output a single run would have written (its stem names the shard set)
 * @param file the file this shard wrote
 * @param tensors the tensors in that file, in file order
 * @param tensorBytes bytes of those tensors
 * @param format the default format, described
 * @param mainline whether every format this shard wrote loads in mainline ComfyUI
 * @param method the rounding method in words
 * @param layerIndex the input-order place of each layer
 * @param layers this shard's quantization candidates
 * @param copied other tensors copied
 * @param bytesIn bytes of the whole input
 * @param bytesOut bytes this shard wrote
 * @param seconds this shard's wall time
 * @param warnings the run's warnings (the same in every part)
 */
public record QuantizePart(String input, String output, String file, List<String> tensors, long tensorBytes, String format,
                           boolean mainline, String method, List<Integer> layerIndex, List<QuantizeReport.Layer> layers,
                           int copied, long bytesIn, long bytesOut, double seconds, List<String> warnings) {
    /** The part kind in headers. */
    public static final String KIND = "quantize";

    /**
     * What a run returns: its report and, for a shard, its header and part.
     *
     * @param report the report of what this run wrote
     * @param header the part header, or null without a shard
     * @param part the part, or null without a shard
     */
    public record Run(QuantizeReport report, PartHeader header, QuantizePart part) {
    }

    /** A shard's plans, and what all shards plan from. */
    record Split(List<LayerPlan> plans, String plan, int modules) {
    }

    /** The shard file next to the single output: {@code stem-0000K-of-0000N.safetensors}, as shard sets are named. */
    public static Path fileOf(Path single, Shard shard) {
        return SafetensorsWriter.shardPath(single, shard.index(), shard.count());
    }

    /**
     * The plans of one shard. The unit of work is a module: every tensor whose name has the same prefix
     * before its last '.' (a weight, its bias, its scales), so a layer and the bias corrected with it are
     * never split; modules are assigned by their input bytes.
     */
    static Split split(Checkpoint c, List<LayerPlan> plans, Shard shard) {
        Map<String, Long> modules = new LinkedHashMap<>();
        for (LayerPlan p : plans) {
            modules.merge(moduleOf(p.name()), Math.max(1, QuantizeWriter.inputBytes(c, p)), Long::sum);
        }
        List<String> names = new ArrayList<>(modules.keySet());
        long[] sizes = modules.values().stream().mapToLong(Long::longValue).toArray();
        boolean[] mine = shard.select(names, sizes);
        Map<String, Boolean> take = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            take.put(names.get(i), mine[i]);
        }
        List<LayerPlan> out = new ArrayList<>();
        for (LayerPlan p : plans) {
            if (take.get(moduleOf(p.name()))) {
                out.add(p);
            }
        }
        return new Split(out, Shard.plan(names, sizes), names.size());
    }

    static String moduleOf(String tensor) {
        int dot = tensor.lastIndexOf('.');
        return dot > 0 ? tensor.substring(0, dot) : tensor;
    }

    /** The part of a finished shard run. */
    static QuantizePart of(QuantizeReport r, Path single, Map<String, Integer> planIndex) throws IOException {
        Path file = r.outputs().get(0);
        List<String> tensors = new ArrayList<>();
        long bytes = 0;
        try (Checkpoint written = Checkpoints.open(file)) {
            for (TensorEntry e : written.tensors()) {
                tensors.add(e.name());
                bytes += e.byteSize();
            }
        }
        List<Integer> index = new ArrayList<>();
        for (QuantizeReport.Layer l : r.layers()) {
            index.add(planIndex.get(l.name()));
        }
        return new QuantizePart(r.input().toString(), single.toString(), file.toString(), tensors, bytes, r.format(),
                r.mainline(), r.method(), index, r.layers(), r.copied(), r.bytesIn(), r.bytesOut(), r.seconds(), r.warnings());
    }

    /** The merged result: the shard set's files, its index JSON, and the run's report. */
    public record Merged(List<Path> files, Path index, String indexJson, QuantizeReport report) {
    }

    /** Joins the parts: the index of the shard set and the report of the whole run. */
    public static Merged merge(List<PartFile.Part> parts) {
        List<QuantizePart> qs = new ArrayList<>();
        for (PartFile.Part p : parts) {
            QuantizePart q = p.as(QuantizePart.class);
            if (!qs.isEmpty() && (!q.input().equals(qs.get(0).input()) || !q.output().equals(qs.get(0).output())
                    || !q.method().equals(qs.get(0).method()) || !q.format().equals(qs.get(0).format()))) {
                throw new QlensException(p.file() + ": quantized another input, output or method than " + parts.get(0).file());
            }
            qs.add(q);
        }
        Path index = SafetensorsWriter.indexPath(Path.of(qs.get(0).output()));
        Map<String, String> weightMap = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        long total = 0;
        boolean mainline = true;
        int copied = 0;
        long bytesOut = 0;
        double seconds = 0;
        Map<Integer, QuantizeReport.Layer> layers = new java.util.TreeMap<>();
        for (QuantizePart q : qs) {
            Path f = Path.of(q.file());
            if (!f.toAbsolutePath().getParent().equals(index.getParent())) {
                throw new QlensException(f + " is not in the folder of the shard set's index " + index);
            }
            files.add(f);
            for (String t : q.tensors()) {
                if (weightMap.put(t, f.getFileName().toString()) != null) {
                    throw new QlensException("tensor " + t + " is in two parts");
                }
            }
            total += q.tensorBytes();
            mainline &= q.mainline();
            copied += q.copied();
            bytesOut += q.bytesOut();
            seconds = Math.max(seconds, q.seconds());
            for (int i = 0; i < q.layers().size(); i++) {
                layers.put(q.layerIndex().get(i), q.layers().get(i));
            }
        }
        String json = SafetensorsWriter.indexJson(total, weightMap);
        List<Path> outputs = new ArrayList<>(files);
        outputs.add(index);
        QuantizePart q0 = qs.get(0);
        QuantizeReport report = new QuantizeReport(Path.of(q0.input()), outputs, q0.format(), mainline, q0.method(),
                new ArrayList<>(layers.values()), copied, q0.bytesIn(), bytesOut, seconds, false, q0.warnings());
        return new Merged(files, index, json, report);
    }
}
