package dev.qlens.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileTest {
    @TempDir
    Path dir;

    @Test
    void positionalAndMappedReadsGiveTheSameBytesAndRefuseToReadPastTheEnd() throws Exception {
        byte[] data = new byte[(9 << 20) + 123];
        new Random(3).nextBytes(data);
        Path f = dir.resolve("data.bin");
        Files.write(f, data);
        try (FileChannel ch = FileChannel.open(f)) {
            for (boolean map : new boolean[] {false, true}) {
                MappedFile m = new MappedFile(ch, f, map);
                for (int[] r : new int[][] {{0, 16}, {5, data.length - 5}, {(8 << 20) - 3, 1000}, {data.length - 1, 1}}) {
                    byte[] got = new byte[r[1] + 2];
                    m.readFully(r[0], got, 1, r[1]);
                    assertArrayEquals(Arrays.copyOfRange(data, r[0], r[0] + r[1]), Arrays.copyOfRange(got, 1, 1 + r[1]),
                            "map " + map + " at " + r[0]);
                }
                assertThrows(CheckpointException.class, () -> m.readFully(data.length - 4, new byte[8], 0, 8));
            }
        }
    }
}
