package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.core.io.AtomicOutput;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The checks shared by the commands that take {@code --shard K/N --part FILE}. */
final class ShardOptions {
    private ShardOptions() {
    }

    /**
     * The shard, or null without one.
     *
     * @param fullOutputs whether whole-run outputs (a report, an HTML page) were asked for too
     */
    static Shard check(CommandSpec spec, String shard, Path part, boolean fullOutputs, List<Path> inputs) {
        if (shard == null) {
            if (part != null) {
                throw new ParameterException(spec.commandLine(), "--part needs --shard K/N");
            }
            return null;
        }
        Shard s;
        try {
            s = Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (part == null) {
            throw new ParameterException(spec.commandLine(), "--shard " + s + " needs --part FILE: the shard's results go"
                    + " there, and qlens merge joins the parts");
        }
        if (fullOutputs) {
            throw new ParameterException(spec.commandLine(), "with --shard, the report and the pictures of the whole run"
                    + " come from qlens merge, not from one shard");
        }
        AtomicOutput.checkTarget(part, inputs, true);
        return s;
    }
}
