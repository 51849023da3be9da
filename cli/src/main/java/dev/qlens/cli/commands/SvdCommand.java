package dev.qlens.cli.commands;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.InspectJob;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.SvdJob;
import dev.qlens.cli.jobs.plot.SvdFigures;
import dev.qlens.cli.util.Json;
import dev.qlens.formats.convention.Convention;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens svd}: the singular-value spectrum of one weight. */
@Command(name = "svd",
        header = "Show the top singular values of one weight: energy captured, effective rank, outliers.", mixinStandardHelpOptions = true,
        description = {"Top-k singular values of one weight (dequantized when quantized; more than two dimensions are "
                + "read as [shape[0], rest]), the energy they capture and effective ranks. Outlier-heavy layers show "
                + "a few dominant values and a low effective rank."})
public final class SvdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "Checkpoint (safetensors, index, directory or ONNX).")
    Path checkpoint;

    @Parameters(index = "1", paramLabel = "TENSOR", description = "Exact tensor name (see qlens inspect).")
    String tensor;

    @Option(names = "-k", paramLabel = "K", defaultValue = "64",
            description = "Singular values to compute (default 64; 0 or --all for every one).")
    int k;

    @Option(names = "--all", description = "Compute the whole spectrum (k = min(rows, cols)).")
    boolean all;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = "1e-5",
            description = "Bound on the relative error of every singular value, Lanczos only (default 1e-5).")
    double tol;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "lanczos",
            description = "lanczos (default; error-controlled) or randomized (faster, about 1e-2 .. 1e-3).")
    String method;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the random start (default 42).")
    long seed;

    @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
            description = "Quantization conventions: auto (default), none, or a comma list (see qlens inspect).")
    String convention;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores; results do not depend on it).")
    int threads = Parallel.defaultThreads();

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with the"
            + " spectrum and the energy curve; see qlens plot svd.")
    Path html;

    @Option(names = "--no-progress", description = "Do not report progress on stderr (shown on a terminal only).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        SvdJob.Method m;
        try {
            m = SvdJob.Method.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--method must be lanczos or randomized, not '" + method + "'");
        }
        if (k < 0) {
            throw new IllegalArgumentException("-k must not be negative");
        }
        PrintWriter err = spec.commandLine().getErr();
        PlotOutput.checkHtml(html, List.of(checkpoint));
        // A frame per Lanczos pass only where stderr is a terminal (System.console() describes stdin/stdout).
        boolean showProgress = !noProgress && dev.qlens.cli.util.Progress.mode(true,
                dev.qlens.cli.util.Terminal.stderrIsTerminal()) == dev.qlens.cli.util.Progress.Mode.FRAMES;
        SvdJob.Report r = SvdJob.run(new SvdJob.Options(checkpoint, tensor, all ? 0 : k, tol, m,
                Convention.parseSelection(convention), Math.max(1, threads), seed), products -> {
                    if (showProgress) {
                        err.print("\rqlens svd: " + products + " passes over the matrix");
                        err.flush();
                    }
                });
        if (showProgress) {
            err.println();
        }
        if (!r.converged()) {
            err.println("qlens svd: warning: not every singular value reached the tolerance " + tol
                    + " (largest error bound " + r.maxResidual() + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            JsonObject j = toJson(r);
            PlotOutput.html(json ? err : out, html, SvdFigures.of(j), "qlens svd: " + tensor, SvdFigures.facts(j),
                    List.of(checkpoint));
        }
        if (json) {
            out.println(Json.GSON.toJson(toJson(r)));
        } else {
            print(out, r);
        }
        out.flush();
        err.flush();
        return 0;
    }

    static JsonObject toJson(SvdJob.Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("checkpoint", r.checkpoint());
        o.addProperty("tensor", r.tensor());
        JsonArray shape = new JsonArray();
        for (long d : r.shape()) {
            shape.add(d);
        }
        o.add("shape", shape);
        o.addProperty("rows", r.rows());
        o.addProperty("cols", r.cols());
        o.addProperty("method", r.method());
        o.addProperty("k", r.k());
        o.addProperty("tol", r.tol());
        JsonArray values = new JsonArray();
        for (double v : r.values()) {
            values.add(v);
        }
        o.add("singular_values", values);
        o.addProperty("frobenius_norm", r.frobeniusNorm());
        o.addProperty("energy_at_k", r.energyAtK());
        o.addProperty("spectrum_complete", r.complete());
        o.addProperty("effective_rank_entropy", r.effectiveRankEntropy());
        if (r.energyRank99() > 0) {
            o.addProperty("energy_rank_99", r.energyRank99());
        } else {
            o.add("energy_rank_99", null);
        }
        o.addProperty("converged", r.converged());
        o.addProperty("max_error_bound", Double.isNaN(r.maxResidual()) ? null : r.maxResidual());
        o.addProperty("passes", r.products());
        o.addProperty("restarts", r.restarts());
        o.addProperty("seconds", r.seconds());
        o.addProperty("threads", r.threads());
        return o;
    }

    private static void print(PrintWriter out, SvdJob.Report r) {
        out.printf(Locale.ROOT, "%s  %s  %s -> %d x %d, %s, top %d%n", r.checkpoint(), r.tensor(),
                InspectJob.shape(r.shape()), r.rows(), r.cols(), r.method(), r.k());
        double total = r.frobeniusNorm() * r.frobeniusNorm();
        double cumulative = 0;
        out.printf(Locale.ROOT, "%6s  %14s  %10s  %s%n", "i", "singular value", "energy %", "");
        double top = r.values().length == 0 ? 0 : r.values()[0];
        for (int i = 0; i < r.values().length; i++) {
            double s = r.values()[i];
            cumulative += s * s;
            int bar = top == 0 ? 0 : (int) Math.round(40 * s / top);
            out.printf(Locale.ROOT, "%6d  %14.7g  %10.4f  %s%n", i + 1, s, total == 0 ? 0 : 100 * cumulative / total,
                    "#".repeat(bar));
        }
        out.printf(Locale.ROOT, "Frobenius norm %.7g; top %d hold %.4f%% of the energy%n", r.frobeniusNorm(), r.k(),
                100 * r.energyAtK());
        out.printf(Locale.ROOT, "effective rank (entropy) %.2f%s; 99%%-energy rank %s%n", r.effectiveRankEntropy(),
                r.complete() ? "" : " (of the top " + r.k() + ")",
                r.energyRank99() > 0 ? Integer.toString(r.energyRank99()) : "> " + r.k());
        out.printf(Locale.ROOT, "%s in %.3f s, %d passes, %d restarts%s%n", r.converged() ? "converged" : "NOT converged",
                r.seconds(), r.products(), r.restarts(),
                Double.isNaN(r.maxResidual()) ? "" : String.format(Locale.ROOT, ", error bound %.1e", r.maxResidual()));
    }
}
