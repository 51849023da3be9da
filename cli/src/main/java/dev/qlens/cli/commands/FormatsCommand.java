package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.FormatListing;
import dev.qlens.cli.jobs.FormatListing.ElementInfo;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code qlens formats}: the element formats and their exact parameters. */
@Command(name = "formats",
        header = "List every number format with its exact parameters.",
        description = "Every catalog format with its element type, block and scale geometry and bits per element.",
        mixinStandardHelpOptions = true)
public final class FormatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ElementInfo> rows = FormatListing.elementFormats();
        List<FormatListing.CatalogInfo> catalog = FormatListing.catalog();
        if (json) {
            com.google.gson.JsonArray arr = FormatListing.toJson(rows);
            FormatListing.addCatalogJson(arr, catalog);
            out.println(Json.GSON.toJson(arr));
        } else {
            TextTable t = new TextTable("name", ">bits", ">E", ">M", ">bias", ">max finite", ">min normal",
                    ">min subnormal", "Inf", "NaN");
            for (ElementInfo r : rows) {
                t.row(r.name(), r.bits(), r.exponentBits(), r.mantissaBits(), r.bias(), Numbers.exact(r.maxFinite()),
                        Numbers.exact(r.minNormal()), r.hasSubnormals() ? Numbers.exact(r.minSubnormal()) : "-",
                        r.infinity() == null ? "-" : r.infinity(), r.nan() == null ? "-" : r.nan());
            }
            out.print(t.render());
            out.println();
            out.println("Element formats: encode with `qlens cast` or `qlens encode`; rounding: even (default), away,"
                    + " zero, stochastic; overflow: non-saturating (default) or --saturate; --compat ml_dtypes|torch.");
            out.println();
            TextTable c = new TextTable("catalog format", "family", ">code bits", ">bits/elem", "description");
            for (FormatListing.CatalogInfo f : catalog) {
                c.row(f.name(), f.family(), f.codeBits(), Numbers.fixed(f.bitsPerElement(), 3), f.description());
            }
            out.print(c.render());
            out.println();
            out.println("Catalog names: <element>_<t|ch|chK|bN|bHxW>[:amax|pow2|e8m0], intN/uintN/sintN, mxfp8|mxfp6|mxfp4|"
                    + "mxint8[:floor|ceil|rceil], nvfp4[:comfy], bfp8|bfp4|bfp2[:legacy], bfpN_ideal, fp0; any format takes"
                    + " :even|away|zero|stochastic. bits/elem includes scales (for a 1024x1024 matrix).");
        }
        out.flush();
        return 0;
    }
}
