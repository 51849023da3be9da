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
@Command(name = "formats", description = "List every number format with its exact parameters.",
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
        if (json) {
            out.println(Json.GSON.toJson(FormatListing.toJson(rows)));
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
        }
        out.flush();
        return 0;
    }
}
