package dev.qlens.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures stdout, stderr and the exit code. */
public final class CliRunner {
    /** What one invocation produced. */
    public record Result(int exitCode, String out, String err) {
    }

    private CliRunner() {
    }

    /** Runs {@code qlens args...}. */
    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
