package dev.qlens.cli.commands;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.InspectJob;
import dev.qlens.cli.jobs.InspectJob.Row;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import dev.qlens.formats.convention.Convention;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens inspect}: list a checkpoint's tensors, their quantization scheme and value statistics. */
@Command(name = "inspect",
        header = "List the tensors of a checkpoint with their dtypes, shapes and quantization schemes.", mixinStandardHelpOptions = true,
        description = {"List the tensors of a checkpoint (safetensors file, index, shard directory or ONNX model): "
                + "name, dtype, shape, bytes and detected quantization scheme; quantized weights are listed once, "
                + "under their model name, with their scales folded in."})
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "Checkpoint to inspect.")
    Path checkpoint;

    @Parameters(index = "1..*", paramLabel = "FILTER",
            description = "Tensor name filters: a dotted query is a prefix match on name components, anything else a"
                    + " substring (case-insensitive). A tensor is listed when any filter matches.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--regex", description = "Treat the filters as regular expressions.")
    boolean regex;

    @Option(names = "--stats", description = "Stream every listed tensor and add min, max, mean, std, amax, zeros, NaN"
            + " and Inf counts (of the dequantized values for quantized weights).")
    boolean stats;

    @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
            description = "Quantization conventions to apply: auto (default), none (list stored tensors as they are),"
                    + " or a comma list of comfy, scaled_fp8, deepseek, onnxruntime, modelopt.")
    String convention;

    @Option(names = "--raw", description = "Same as --convention none.")
    boolean raw;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for --stats (default: all cores).")
    int threads = Parallel.defaultThreads();

    @Option(names = "--no-progress", description = "Do not show a progress bar on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        InspectJob.Report r = InspectJob.run(new InspectJob.Options(checkpoint, filters, regex, stats,
                raw ? Convention.parseSelection("none") : Convention.parseSelection(convention), threads, !noProgress));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String w : r.warnings()) {
            err.println("qlens inspect: warning: " + w);
        }
        if (json) {
            out.println(Json.GSON.toJson(toJson(r)));
        } else {
            printTable(out, r);
        }
        out.flush();
        err.flush();
        if (r.rows().isEmpty() && !filters.isEmpty()) {
            err.println("qlens inspect: no tensor matches " + String.join(", ", filters));
            return 1;
        }
        return 0;
    }

    private void printTable(PrintWriter out, InspectJob.Report r) {
        out.println(r.checkpoint() + " (" + r.storage() + ", " + r.totalTensors() + " tensors, "
                + Numbers.bytes(r.totalBytes()) + ")" + (r.conventions().isEmpty() ? "" : "; conventions: "
                + String.join(", ", r.conventions())));
        TextTable t = stats
                ? new TextTable("name", "dtype", "shape", ">bytes", "scheme", ">min", ">max", ">mean", ">std", ">amax",
                ">zeros", ">nan", ">inf")
                : new TextTable("name", "dtype", "shape", ">bytes", "scheme");
        for (Row row : r.rows()) {
            if (stats) {
                InspectJob.Stats s = row.stats();
                if (s == null) {
                    t.row(row.name(), row.dtype(), InspectJob.shape(row.shape()), Numbers.bytes(row.bytes()), row.scheme());
                } else {
                    t.row(row.name(), row.dtype(), InspectJob.shape(row.shape()), Numbers.bytes(row.bytes()), row.scheme(),
                            Numbers.sci(s.min(), 4), Numbers.sci(s.max(), 4), Numbers.sci(s.mean(), 4),
                            Numbers.sci(s.std(), 4), Numbers.sci(s.amax(), 4), s.zeros(), s.nans(), s.infs());
                }
            } else {
                t.row(row.name(), row.dtype(), InspectJob.shape(row.shape()), Numbers.bytes(row.bytes()), row.scheme());
            }
        }
        out.print(t.render());
        out.println(r.rows().size() + " of " + r.totalTensors() + " tensors listed");
    }

    static JsonObject toJson(InspectJob.Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("checkpoint", r.checkpoint());
        o.addProperty("storage", r.storage());
        o.addProperty("total_bytes", r.totalBytes());
        o.addProperty("total_tensors", r.totalTensors());
        JsonObject meta = new JsonObject();
        for (Map.Entry<String, String> e : r.metadata().entrySet()) {
            meta.addProperty(e.getKey(), e.getValue());
        }
        o.add("metadata", meta);
        JsonArray conv = new JsonArray();
        r.conventions().forEach(conv::add);
        o.add("conventions", conv);
        JsonArray tensors = new JsonArray();
        for (Row row : r.rows()) {
            JsonObject t = new JsonObject();
            t.addProperty("name", row.name());
            t.addProperty("dtype", row.dtype());
            JsonArray shape = new JsonArray();
            for (long d : row.shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            t.addProperty("bytes", row.bytes());
            t.addProperty("kind", row.kind());
            t.addProperty("scheme", row.scheme());
            t.add("convention", Json.stringOrNull(row.convention()));
            t.add("format", Json.stringOrNull(row.format()));
            t.add("granularity", Json.stringOrNull(row.granularity()));
            t.add("block_size", row.blockSize() > 0 ? Json.number(row.blockSize()) : com.google.gson.JsonNull.INSTANCE);
            JsonArray src = new JsonArray();
            row.sources().forEach(src::add);
            t.add("sources", src);
            t.addProperty("origin", row.origin());
            if (row.problem() != null) {
                t.addProperty("problem", row.problem());
            }
            if (row.stats() != null) {
                InspectJob.Stats s = row.stats();
                JsonObject st = new JsonObject();
                st.addProperty("count", s.count());
                st.add("min", Json.number(s.min()));
                st.add("max", Json.number(s.max()));
                st.add("mean", Json.number(s.mean()));
                st.add("std", Json.number(s.std()));
                st.add("amax", Json.number(s.amax()));
                st.addProperty("zeros", s.zeros());
                st.addProperty("nan", s.nans());
                st.addProperty("inf", s.infs());
                t.add("stats", st);
            }
            tensors.add(t);
        }
        o.add("tensors", tensors);
        JsonArray w = new JsonArray();
        r.warnings().forEach(w::add);
        o.add("warnings", w);
        return o;
    }
}
