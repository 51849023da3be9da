package dev.qlens.cli.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void framesOnlyOnATerminalLinesElsewhereNothingWhenDisabled() {
        assertEquals(Progress.Mode.FRAMES, Progress.mode(true, true));
        assertEquals(Progress.Mode.LINES, Progress.mode(true, false));
        assertEquals(Progress.Mode.NONE, Progress.mode(false, true));
        Progress.quiet(true);
        try {
            assertEquals(Progress.Mode.NONE, Progress.mode(true, true));
        } finally {
            Progress.quiet(false);
        }
    }

    @Test
    void terminalDevicesAreRecognized() {
        assertTrue(Terminal.isTerminalDevice("/dev/pts/3"));
        assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
        assertFalse(Terminal.isTerminalDevice("logs/run.txt"));
        assertFalse(Terminal.isTerminalDevice("pipe:[12345]"));
        assertFalse(Terminal.isTerminalDevice("/dev/null"));
    }

    @Test
    void statusLinesAreWholeLinesWithoutCarriageReturns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.start("compare", 100, " MiB", 1, 3, Progress.Mode.LINES, err)) {
            p.bytes(40);
            p.tensorDone();
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(s.contains("\r"), s);
        assertTrue(s.startsWith("qlens: compare"), s);
        assertTrue(s.endsWith("\n"), s);
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        try (Progress p = Progress.start("compare", 100, " MiB", 1, 3, Progress.Mode.NONE,
                new PrintStream(none, true, StandardCharsets.UTF_8))) {
            p.bytes(40);
        }
        assertEquals(0, none.size());
    }
}
