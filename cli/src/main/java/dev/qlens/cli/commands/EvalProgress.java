package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.eval.EvalJob;
import dev.qlens.cli.util.Progress;
import java.io.PrintWriter;

/** Shows the job's stages as a progress bar and its notes on stderr. */
final class EvalProgress implements EvalJob.Listener, AutoCloseable {
    private final String command;
    private final boolean enabled;
    private final PrintWriter err;
    private Progress bar;

    EvalProgress(String command, boolean enabled, PrintWriter err) {
        this.command = command;
        this.enabled = enabled;
        this.err = err;
    }

    @Override
    public void stage(String what, long tokens) {
        close();
        bar = Progress.startUnits(command + " " + what, tokens, " tok", enabled);
    }

    @Override
    public void tokens(long n) {
        if (bar != null) {
            bar.step(n);
        }
    }

    @Override
    public void note(String message) {
        err.println("qlens " + command + ": " + message);
        err.flush();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
