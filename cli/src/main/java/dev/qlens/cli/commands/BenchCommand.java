package dev.qlens.cli.commands;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.SelfBenchmark;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlens bench}: a quick self-benchmark of the main kernels. */
@Command(name = "bench",
        header = "Measure the main kernels on this machine against an in-process memory copy.", mixinStandardHelpOptions = true,
        description = {"Measure the main kernels on this machine (one thread, a few seconds): throughput in "
                + "Gelem/s, bytes moved per second (read + written) and the ratio to an in-process array copy "
                + "measured alternately in the same run; vector and scalar. JMH numbers: bench/README.md."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--elements", paramLabel = "N", defaultValue = "16777216",
            description = "Float32 elements per pass (default: ${DEFAULT-VALUE}, 64 MiB, beyond the caches).")
    int elements;

    @Option(names = "--repetitions", paramLabel = "R", defaultValue = "7",
            description = "Measured passes per kernel, each paired with a copy pass (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean console = System.console() != null;
        SelfBenchmark.Report r = new SelfBenchmark(elements, repetitions, name -> {
            if (!json && console) {
                err.print("\rbenchmarking " + name + "          ");
                err.flush();
            }
        }).run();
        if (!json && console) {
            err.print("\r" + " ".repeat(40) + "\r");
            err.flush();
        }
        if (json) {
            out.println(Json.GSON.toJson(toJson(r)));
        } else {
            out.println("java " + r.java() + "; kernels: " + r.kernels() + "; transparent huge pages "
                    + (r.hugePages() ? "on" : "off") + "; " + r.elements() + " elements per pass, copy baseline "
                    + Numbers.fixed(r.copyGBs(), 1) + " GB/s");
            TextTable t = new TextTable("kernel", ">Gelem/s", ">GB/s", ">% of copy", ">scalar Gelem/s", ">speed-up",
                    "target", "met");
            for (SelfBenchmark.Result x : r.results()) {
                t.row(x.name(), Numbers.fixed(x.vectorGelem(), 2), Numbers.fixed(x.vectorGBs(), 1),
                        Numbers.fixed(100 * x.copyRatio(), 0), Numbers.fixed(x.scalarGelem(), 3),
                        Numbers.fixed(x.vectorGelem() / x.scalarGelem(), 1) + "x",
                        x.target() == null ? "" : x.target().toString(),
                        x.targetMet() == null ? "" : x.targetMet() ? "yes" : "NO");
            }
            out.print(t.render());
        }
        out.flush();
        return 0;
    }

    static JsonObject toJson(SelfBenchmark.Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("java", r.java());
        o.addProperty("kernels", r.kernels());
        o.addProperty("transparent_huge_pages", r.hugePages());
        o.addProperty("elements", r.elements());
        o.addProperty("repetitions", r.repetitions());
        o.add("copy_gb_per_s", Json.number(r.copyGBs()));
        JsonArray a = new JsonArray();
        for (SelfBenchmark.Result x : r.results()) {
            JsonObject k = new JsonObject();
            k.addProperty("kernel", x.name());
            k.addProperty("description", x.description());
            k.add("gelem_per_s", Json.number(x.vectorGelem()));
            k.add("gb_per_s", Json.number(x.vectorGBs()));
            k.add("bytes_per_element", Json.number(x.bytesPerElement()));
            k.add("copy_ratio", Json.number(x.copyRatio()));
            k.add("scalar_gelem_per_s", Json.number(x.scalarGelem()));
            k.add("speedup", Json.number(x.vectorGelem() / x.scalarGelem()));
            if (x.target() != null) {
                JsonObject t = new JsonObject();
                t.add("min_gelem_per_s", Json.number(x.target().minGelemPerSecond()));
                t.add("min_copy_ratio", Json.number(x.target().minCopyRatio()));
                t.addProperty("met", x.targetMet());
                k.add("target", t);
            }
            a.add(k);
        }
        o.add("results", a);
        return o;
    }
}
