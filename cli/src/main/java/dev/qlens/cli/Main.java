package dev.qlens.cli;

import dev.qlens.cli.commands.BenchCommand;
import dev.qlens.cli.commands.CastCommand;
import dev.qlens.cli.commands.CheckCommand;
import dev.qlens.cli.commands.PlotCommand;
import dev.qlens.cli.commands.CompareCommand;
import dev.qlens.cli.commands.DemoCommand;
import dev.qlens.cli.commands.CalibrateCommand;
import dev.qlens.cli.commands.EvalCommand;
import dev.qlens.cli.commands.SweepCommand;
import dev.qlens.cli.commands.SvdCommand;
import dev.qlens.cli.commands.DecodeCommand;
import dev.qlens.cli.commands.EncodeCommand;
import dev.qlens.cli.commands.FormatsCommand;
import dev.qlens.cli.commands.InspectCommand;
import dev.qlens.cli.commands.QuantizeCommand;
import dev.qlens.core.QlensException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code qlens} command line: a thin picocli layer over the jobs in {@code dev.qlens.cli.jobs}. */
@Command(name = "qlens", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"qlens: bit-exact low-precision formats, checkpoint inspection, quantization error analysis.",
                "Results go to stdout; progress and warnings go to stderr."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success", "1:bad input, or a check that found problems", "2:usage error",
            "3:internal error (please report it with the stack trace)"},
        footer = "%nEvery command has --help; details in README.md and docs/.",
        subcommands = {InspectCommand.class, CastCommand.class, EncodeCommand.class, DecodeCommand.class,
                CompareCommand.class, QuantizeCommand.class, CheckCommand.class, EvalCommand.class, CalibrateCommand.class, DemoCommand.class,
                SweepCommand.class, SvdCommand.class, PlotCommand.class, dev.qlens.cli.commands.MergeCommand.class, FormatsCommand.class, BenchCommand.class,
                dev.qlens.cli.commands.CompletionCommand.class, HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
    /** Exit code for a job that failed because of its input. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for a usage error (picocli's). */
    public static final int EXIT_USAGE = 2;
    /** Exit code for an unexpected internal error. */
    public static final int EXIT_INTERNAL = 3;

    @Spec
    CommandSpec spec;

    /** {@code --quiet}, accepted by every command: no progress display on stderr. */
    @picocli.CommandLine.Option(names = {"-q", "--quiet"}, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Show no progress on stderr (errors and warnings still appear).")
    void quiet(boolean q) {
        dev.qlens.cli.util.Progress.quiet(q);
    }

    /** {@code qlens} without a command: the usage on stderr, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("qlens: a command is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Entry point of the launcher. */
    public static void main(String[] args) {
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(code);
    }

    /** Runs the command line with the given streams and returns the exit code (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String who = commandLine.getCommandSpec().qualifiedName();
            if (isUserError(ex)) {
                commandLine.getErr().println(who + ": error: " + userMessage(ex));
                commandLine.getErr().flush();
                return EXIT_FAILURE;
            }
            commandLine.getErr().println(who + ": internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return EXIT_INTERNAL;
        });
        // Hub options of this run (--revision, --download, --hub-cache) change the Hub settings of this thread
        // for the run only; notes and download bars go to this run's stderr.
        dev.qlens.cli.util.Progress.quiet(false); // --quiet of an earlier run in this JVM does not carry over
        dev.qlens.core.io.hub.HubSettings before = dev.qlens.core.io.hub.HubSettings.current();
        if (before.listener() == dev.qlens.core.io.hub.HubListener.STDERR) {
            dev.qlens.core.io.hub.HubSettings.setCurrent(before.withListener(new dev.qlens.cli.util.HubProgress(err)));
        }
        try {
            int code = cl.execute(args);
            out.flush();
            err.flush();
            return code;
        } finally {
            dev.qlens.core.io.hub.HubSettings.setCurrent(before);
        }
    }

    private static boolean isUserError(Throwable ex) {
        return ex instanceof QlensException || ex instanceof UncheckedIOException
                || ex instanceof java.io.IOException || ex instanceof IllegalArgumentException;
    }

    private static String userMessage(Throwable ex) {
        if (ex instanceof UncheckedIOException && ex.getCause() != null) {
            ex = ex.getCause();
        }
        if (ex instanceof NoSuchFileException) {
            return "no such file: " + ex.getMessage();
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }
}
