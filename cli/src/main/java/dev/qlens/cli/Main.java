package dev.qlens.cli;

import dev.qlens.cli.commands.BenchCommand;
import dev.qlens.cli.commands.CastCommand;
import dev.qlens.cli.commands.CheckCommand;
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
        subcommands = {InspectCommand.class, CastCommand.class, EncodeCommand.class, DecodeCommand.class,
                CompareCommand.class, QuantizeCommand.class, CheckCommand.class, EvalCommand.class, CalibrateCommand.class, DemoCommand.class, SweepCommand.class, SvdCommand.class, FormatsCommand.class, BenchCommand.class, HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for a job that failed because of its input. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for an unexpected internal error. */
    public static final int EXIT_INTERNAL = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
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
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
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
