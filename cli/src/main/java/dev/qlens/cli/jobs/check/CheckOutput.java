package dev.qlens.cli.jobs.check;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import java.io.PrintWriter;

/** The console and JSON forms of a check report. */
public final class CheckOutput {
    private CheckOutput() {
    }

    /** A readable report: the layers, then the findings, then the verdict. */
    public static void print(CheckReport r, PrintWriter out, boolean verbose) {
        boolean compliance = r.mode().equals("compliance");
        TextTable layers = compliance ? new TextTable("tensor", "format", ">failures")
                : new TextTable("layer", "scheme", ">SNR dB");
        for (CheckReport.Layer l : r.layers()) {
            if (compliance) {
                layers.row(l.name(), l.scheme(), l.failures() == 0 ? "0 (pass)" : Long.toString(l.failures()));
            } else {
                layers.row(l.name(), l.scheme(), Double.isNaN(l.snrDb()) ? "" : Numbers.fixed(l.snrDb(), 2));
            }
        }
        if (layers.size() > 0) {
            out.print(layers.render());
            out.println();
        }
        if (compliance) {
            for (CheckReport.Layer l : r.layers()) {
                if (!l.examples().isEmpty()) {
                    TextTable ex = new TextTable(">index", ">value", ">representable below", ">representable above");
                    l.examples().forEach(e -> ex.row(e.index(), Float.toString(e.value()), Float.toString(e.below()),
                            Float.toString(e.above())));
                    out.println(l.name() + ": " + l.failures() + " values not representable in " + l.scheme());
                    out.print(ex.render());
                    out.println();
                }
            }
        }
        TextTable f = new TextTable("severity", "layer", "rule", "finding");
        for (Finding x : r.findings()) {
            if (verbose || x.severity() != Finding.Severity.INFO) {
                f.row(x.severity().label(), x.layer(), x.rule(), x.message());
            }
        }
        if (f.size() > 0) {
            out.print(f.render());
            out.println();
        }
        long errors = r.count(Finding.Severity.ERROR);
        long warnings = r.count(Finding.Severity.WARNING);
        out.println((r.compliant() ? "PASS: " : "FAIL: ") + r.checkpoint() + " (" + r.layers().size()
                + (compliance ? " tensors" : " quantized layers") + " checked; " + errors + " errors, " + warnings
                + " warnings" + (verbose ? "" : ", " + r.count(Finding.Severity.INFO) + " info lines (--verbose)") + ")");
    }

    /** The JSON document. */
    public static JsonObject json(CheckReport r) {
        JsonObject o = new JsonObject();
        JsonObject q = new JsonObject();
        q.addProperty("version", VersionProvider.version());
        o.add("qlens", q);
        o.addProperty("checkpoint", r.checkpoint());
        o.addProperty("mode", r.mode());
        o.addProperty("compliant", r.compliant());
        o.addProperty("errors", r.count(Finding.Severity.ERROR));
        o.addProperty("warnings", r.count(Finding.Severity.WARNING));
        JsonArray layers = new JsonArray();
        for (CheckReport.Layer l : r.layers()) {
            JsonObject j = new JsonObject();
            j.addProperty("name", l.name());
            j.addProperty(r.mode().equals("compliance") ? "format" : "scheme", l.scheme());
            if (r.mode().equals("compliance")) {
                j.addProperty("failures", l.failures());
                JsonArray ex = new JsonArray();
                for (CheckReport.Example e : l.examples()) {
                    JsonObject x = new JsonObject();
                    x.addProperty("index", e.index());
                    x.add("value", Json.number(e.value()));
                    x.add("representable_below", Json.number(e.below()));
                    x.add("representable_above", Json.number(e.above()));
                    ex.add(x);
                }
                j.add("examples", ex);
            } else {
                j.add("snr_db", Json.numberOrNull(l.snrDb(), !Double.isNaN(l.snrDb())));
            }
            layers.add(j);
        }
        o.add("layers", layers);
        JsonArray fs = new JsonArray();
        for (Finding x : r.findings()) {
            JsonObject j = new JsonObject();
            j.addProperty("severity", x.severity().label());
            j.addProperty("layer", x.layer());
            j.addProperty("rule", x.rule());
            j.addProperty("message", x.message());
            fs.add(j);
        }
        o.add("findings", fs);
        JsonArray w = new JsonArray();
        r.warnings().forEach(w::add);
        o.add("read_warnings", w);
        return o;
    }
}
