package dev.qlens.cli.util;

import dev.qlens.core.io.hub.HubListener;
import java.io.PrintWriter;

/**
 * How the command line shows the Hub client's work: notes on stderr prefixed {@code qlens: hub:}, and each
 * whole-file download as a progress bar (nothing of either with {@code --quiet}, except warnings).
 */
public final class HubProgress implements HubListener {
    /** Downloads smaller than this show no bar. */
    static final long MIN_BAR_BYTES = 8L << 20;

    private final PrintWriter err;

    /** Notes go to {@code err}. */
    public HubProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void note(String message) {
        if (Progress.mode(true, false) != Progress.Mode.NONE) {
            say(message);
        }
    }

    @Override
    public void warn(String message) {
        say(message);
    }

    private synchronized void say(String message) {
        err.println("qlens: hub: " + message);
        err.flush();
    }

    @Override
    public Transfer download(String file, long bytes) {
        if (bytes < MIN_BAR_BYTES) {
            return SILENT_TRANSFER; // an index or a config: over before a bar could say anything
        }
        Progress p = Progress.start("download " + file, bytes, 0, true);
        return new Transfer() {
            @Override
            public void advance(long n) {
                p.bytes(n);
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }
}
