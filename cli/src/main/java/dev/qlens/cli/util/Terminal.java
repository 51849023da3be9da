package dev.qlens.cli.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether stderr itself is a terminal (System.console() looks at stdin and stdout instead). */
public final class Terminal {
    private Terminal() {
    }

    /**
     * True when file descriptor 2 is a terminal device. On Linux this reads {@code /proc/self/fd/2}; where
     * that does not exist it falls back to {@code System.console()}.
     */
    public static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return isTerminalDevice(Files.readSymbolicLink(fd).toString());
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through
        }
        return System.console() != null;
    }

    /** Whether a device path names a terminal: a pseudo terminal, a console or a serial line. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }
}
