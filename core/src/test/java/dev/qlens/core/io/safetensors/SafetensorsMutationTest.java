package dev.qlens.core.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsWriter.TensorSpec;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutates valid safetensors files (flipped bytes, truncation, altered lengths, edited JSON) and
 * checks that reading them either works or fails with a clean {@link CheckpointException}: never an
 * unchecked exception, a hang or an out-of-memory error.
 */
class SafetensorsMutationTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("qlens-mutation");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static byte[] validFile(Random rnd) throws IOException {
        Path p = dir.resolve("valid-" + rnd.nextInt() + ".safetensors");
        DType[] types = DType.values();
        SafetensorsWriter w = SafetensorsWriter.to(p).overwrite(true);
        if (rnd.nextBoolean()) {
            w.metadata(java.util.Map.of("format", "pt", "k" + rnd.nextInt(9), "v"));
        }
        int n = 1 + rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            DType d = types[rnd.nextInt(types.length)];
            long[] shape = rnd.nextBoolean() ? new long[] {4 * (1 + rnd.nextInt(4))} : new long[] {2, 4 * (1 + rnd.nextInt(3))};
            byte[] data = new byte[(int) d.byteSize(dev.qlens.core.tensor.Shapes.numel(shape))];
            rnd.nextBytes(data);
            w.add(new TensorSpec("t" + i + (rnd.nextBoolean() ? ".weight" : ""), d, shape, sink -> sink.write(data, 0, data.length)));
        }
        w.write();
        byte[] bytes = Files.readAllBytes(p);
        Files.delete(p);
        return bytes;
    }

    private static byte[] mutate(byte[] valid, Random rnd, int kind) {
        byte[] b = valid.clone();
        int headerEnd = (int) Math.min(b.length, 8 + (b[0] & 0xFF) + ((b[1] & 0xFF) << 8));
        switch (kind) {
            case 0: { // flip a byte, mostly in the header
                int pos = rnd.nextInt(10) < 8 ? rnd.nextInt(Math.max(1, headerEnd)) : rnd.nextInt(b.length);
                b[pos] ^= (byte) (1 + rnd.nextInt(255));
                return b;
            }
            case 1: // truncate
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            case 2: { // replace a header character with JSON punctuation or a digit
                String pool = "{}[]:,\"0123456789-.eE ";
                int pos = 8 + rnd.nextInt(Math.max(1, headerEnd - 8));
                if (pos < b.length) {
                    b[pos] = (byte) pool.charAt(rnd.nextInt(pool.length()));
                }
                return b;
            }
            case 3: { // alter the header length field
                long n = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
                long delta = rnd.nextInt(17) - 8;
                long m = rnd.nextInt(20) == 0 ? rnd.nextLong() : n + delta;
                for (int i = 0; i < 8; i++) {
                    b[i] = (byte) (m >>> (8 * i));
                }
                return b;
            }
            case 4: { // append or insert bytes
                int pos = rnd.nextInt(b.length + 1);
                byte[] extra = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(extra);
                byte[] out = new byte[b.length + extra.length];
                System.arraycopy(b, 0, out, 0, pos);
                System.arraycopy(extra, 0, out, pos, extra.length);
                System.arraycopy(b, pos, out, pos + extra.length, b.length - pos);
                return out;
            }
            default: { // change a digit inside the header (shapes, offsets)
                for (int tries = 0; tries < 50; tries++) {
                    int pos = 8 + rnd.nextInt(Math.max(1, headerEnd - 8));
                    if (pos < b.length && Character.isDigit(b[pos])) {
                        b[pos] = (byte) ('0' + rnd.nextInt(10));
                        break;
                    }
                }
                return b;
            }
        }
    }

    @Property(tries = 1500)
    void mutatedFilesFailCleanlyOrReadCorrectly(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int kind) throws IOException {
        Random rnd = new Random(seed);
        byte[] bytes = mutate(validFile(rnd), rnd, kind);
        Path p = dir.resolve("mutant.safetensors");
        Files.write(p, bytes);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                for (TensorEntry t : f.tensors()) {
                    t.readAll();
                    if (t.dtype() != DType.C64) {
                        new DecodedTensor(t).readAll();
                    }
                }
            } catch (CheckpointException expected) {
                if (expected.getMessage() == null || !expected.getMessage().startsWith(p.toString())) {
                    fail("error message must name the file: " + expected.getMessage());
                }
            } catch (Throwable other) {
                fail("mutation " + kind + " raised " + other + " instead of a CheckpointException", other);
            }
        });
    }
}
