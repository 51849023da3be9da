package dev.qlens.core.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsWriter.TensorSpec;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsIoTest {
    @TempDir
    Path dir;

    /** Builds a file from a header string and data bytes (no validation: for malformed files). */
    static byte[] fileBytes(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static SafetensorsWriter.Payload bytesPayload(byte[] data) {
        return sink -> sink.write(data, 0, data.length);
    }

    @Test
    void everyDtypeRoundTripsThroughAnIndependentReader() throws IOException {
        Random rnd = new Random(1);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        SafetensorsWriter w = SafetensorsWriter.to(dir.resolve("all.safetensors"))
                .metadata(Map.of("format", "pt", "note", "ünïcode \"quoted\""));
        for (DType d : DType.values()) {
            long[] shape = {3, 4};
            byte[] data = new byte[(int) d.byteSize(12)];
            rnd.nextBytes(data);
            expected.put(d.name().toLowerCase(), data);
            w.add(new TensorSpec(d.name().toLowerCase(), d, shape, bytesPayload(data)));
        }
        w.add(new TensorSpec("scalar", DType.F32, new long[0], bytesPayload(new byte[4])));
        w.add(new TensorSpec("empty", DType.BF16, new long[] {0, 5}, bytesPayload(new byte[0])));
        List<Path> written = w.write();
        assertEquals(List.of(dir.resolve("all.safetensors")), written);

        Map<String, Object> independent = IndependentSafetensorsReader.read(written.get(0));
        assertEquals(Map.of("format", "pt", "note", "ünïcode \"quoted\""), independent.get("__metadata__"));
        try (SafetensorsFile f = SafetensorsFile.open(written.get(0))) {
            assertEquals(DType.values().length + 2, f.tensors().size());
            for (DType d : DType.values()) {
                String name = d.name().toLowerCase();
                TensorEntry e = f.tensor(name);
                assertEquals(d, e.dtype());
                assertArrayEquals(new long[] {3, 4}, e.shape());
                assertArrayEquals(expected.get(name), e.readAll(), name);
                IndependentSafetensorsReader.Tensor t = (IndependentSafetensorsReader.Tensor) independent.get(name);
                assertEquals(d.name(), t.dtype());
                assertArrayEquals(new long[] {3, 4}, t.shape());
                assertArrayEquals(expected.get(name), t.data(), name);
            }
            assertArrayEquals(new long[0], f.tensor("scalar").shape());
            assertEquals(0, f.tensor("empty").byteSize());
            assertEquals(0, f.header().headerLength() % 8, "header padded to 8 bytes");
            assertEquals("ünïcode \"quoted\"", f.metadata().get("note"));
        }
    }

    static Stream<Arguments> malformed() {
        byte[] f32x4 = new byte[16];
        return Stream.of(
                Arguments.of("too short", new byte[5], "too short"),
                Arguments.of("huge length", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L).array(), "exceeds"),
                Arguments.of("negative length", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array(), "exceeds"),
                Arguments.of("header past end", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array(), "truncated"),
                Arguments.of("bad utf8", fileBytesRaw(new byte[] {'{', (byte) 0xC3, '}'}, new byte[0]), "UTF-8"),
                Arguments.of("malformed json", fileBytes("{\"a\":{\"dtype\":\"F32\",", f32x4), "malformed header JSON"),
                Arguments.of("not an object", fileBytes("[1,2]", new byte[0]), "not a JSON object"),
                Arguments.of("unknown dtype", fileBytes("{\"a\":{\"dtype\":\"F128\",\"shape\":[4],\"data_offsets\":[0,16]}}", f32x4), "tensor 'a': unknown dtype 'F128'"),
                Arguments.of("size mismatch", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[0,16]}}", f32x4), "needs 20"),
                Arguments.of("duplicate", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", f32x4), "duplicate"),
                Arguments.of("overlap", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", f32x4), "overlap"),
                Arguments.of("gap", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", f32x4), "gap"),
                Arguments.of("truncated data", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", f32x4), "truncated"),
                Arguments.of("trailing bytes", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32x4), "trailing"),
                Arguments.of("float shape", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4.0],\"data_offsets\":[0,16]}}", f32x4), "not a non-negative integer"),
                Arguments.of("negative shape", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", f32x4), "not a non-negative integer"),
                Arguments.of("odd F4", fileBytes("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,16]}}", f32x4), "whole bytes"),
                Arguments.of("overflowing shape", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", f32x4), "overflows"),
                Arguments.of("missing offsets", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", f32x4), "lacks data_offsets"),
                Arguments.of("reversed offsets", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", f32x4), "end before they begin"),
                Arguments.of("three offsets", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8,16]}}", f32x4), "exactly two"),
                Arguments.of("trailing json", fileBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}} x", f32x4), "after the header"),
                Arguments.of("metadata not strings", fileBytes("{\"__metadata__\":{\"k\":[1]},\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", f32x4), "__metadata__ value for 'k'"));
    }

    private static byte[] fileBytesRaw(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        return b.array();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFilesGiveClearErrors(String label, byte[] bytes, String fragment) throws IOException {
        Path p = write(label.replace(' ', '_') + ".safetensors", bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        assertTrue(e.getMessage().startsWith(p.toString()), "message names the file: " + e.getMessage());
    }

    @Test
    void validFileWithTrailingHeaderSpacesAndMetadataReads() throws IOException {
        byte[] data = new byte[16];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(0f).putFloat(3.25f);
        Path p = write("ok.safetensors", fileBytes(
                "{\"__metadata__\":{\"format\":\"pt\",\"n\":3},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16],\"extra\":1}}    ",
                data));
        try (Checkpoint c = Checkpoints.open(p)) {
            assertEquals("3", c.metadata().get("n"));
            float[] v = new dev.qlens.core.io.DecodedTensor(c.tensor("w")).readAll();
            assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f}, v);
        }
    }

    @Test
    void interruptedWriteLeavesNoOutputAndNoTemporaryFile() throws IOException {
        Path out = dir.resolve("out.safetensors");
        SafetensorsWriter w = SafetensorsWriter.to(out)
                .add(new TensorSpec("a", DType.F32, new long[] {4}, bytesPayload(new byte[16])))
                .add(new TensorSpec("b", DType.F32, new long[] {1 << 20}, sink -> {
                    sink.write(new byte[1000], 0, 1000);
                    throw new IOException("disk unplugged");
                }));
        IOException e = assertThrows(IOException.class, w::write);
        assertEquals("disk unplugged", e.getMessage());
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void payloadOfTheWrongSizeIsRejected() {
        SafetensorsWriter w = SafetensorsWriter.to(dir.resolve("x.safetensors"))
                .add(new TensorSpec("a", DType.F32, new long[] {4}, bytesPayload(new byte[12])));
        assertThrows(IllegalStateException.class, w::write);
        assertFalse(Files.exists(dir.resolve("x.safetensors")));
    }

    @Test
    void refusesToOverwriteAnInputOrAnExistingFileWithoutForce() throws IOException {
        Path in = dir.resolve("in.safetensors");
        SafetensorsWriter.to(in).add(new TensorSpec("a", DType.U8, new long[] {1}, bytesPayload(new byte[1]))).write();
        byte[] before = Files.readAllBytes(in);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsWriter.to(dir.resolve("./in.safetensors"))
                .inputs(List.of(in)).overwrite(true)
                .add(new TensorSpec("a", DType.U8, new long[] {1}, bytesPayload(new byte[] {7}))).write());
        assertTrue(e.getMessage().contains("refusing to overwrite an input"));
        assertArrayEquals(before, Files.readAllBytes(in));
        CheckpointException exists = assertThrows(CheckpointException.class, () -> SafetensorsWriter.to(in)
                .add(new TensorSpec("a", DType.U8, new long[] {1}, bytesPayload(new byte[] {7}))).write());
        assertTrue(exists.getMessage().contains("--force"));
        SafetensorsWriter.to(in).overwrite(true)
                .add(new TensorSpec("a", DType.U8, new long[] {1}, bytesPayload(new byte[] {7}))).write();
        try (SafetensorsFile f = SafetensorsFile.open(in)) {
            assertArrayEquals(new byte[] {7}, f.tensor("a").readAll());
        }
    }

    @Test
    void shardedOutputReadsBackAsOneCheckpointThroughIndexAndDirectory() throws IOException {
        Path out = dir.resolve("model.safetensors");
        Random rnd = new Random(3);
        SafetensorsWriter w = SafetensorsWriter.to(out).maxShardBytes(1000).metadata(Map.of("format", "pt"));
        Map<String, byte[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) {
            byte[] data = new byte[400];
            rnd.nextBytes(data);
            expected.put("layer." + i + ".weight", data);
            w.add(new TensorSpec("layer." + i + ".weight", DType.F32, new long[] {10, 10}, bytesPayload(data)));
        }
        List<Path> written = w.write();
        assertEquals(5, written.size(), "4 shards of at most 1000 bytes plus the index: " + written);
        assertTrue(written.get(0).getFileName().toString().equals("model-00001-of-00004.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        assertTrue(Files.exists(index));
        for (Checkpoint c : new Checkpoint[] {Checkpoints.open(index), Checkpoints.open(dir)}) {
            try (c) {
                assertEquals(7, c.tensors().size());
                assertTrue(c.format().contains("4 shards"), c.format());
                for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                    assertArrayEquals(e.getValue(), c.tensor(e.getKey()).readAll(), e.getKey());
                }
                assertEquals("2800", c.metadata().get("index.total_size"));
            }
        }
    }

    @Test
    void indexNamingAMissingTensorIsAnError() throws IOException {
        Path shard = dir.resolve("s1.safetensors");
        SafetensorsWriter.to(shard).add(new TensorSpec("a", DType.U8, new long[] {1}, bytesPayload(new byte[1]))).write();
        Path index = write("model.safetensors.index.json",
                "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}".getBytes(StandardCharsets.UTF_8));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(index));
        assertTrue(e.getMessage().contains("tensor 'b'") && e.getMessage().contains("no such tensor"), e.getMessage());
        Path index2 = write("other.safetensors.index.json",
                "{\"weight_map\":{\"a\":\"missing.safetensors\"}}".getBytes(StandardCharsets.UTF_8));
        CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoints.open(index2));
        assertTrue(e2.getMessage().contains("does not exist"), e2.getMessage());
    }

    @Test
    void duplicateTensorAcrossShardsOfADirectoryIsAnError() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("dup"));
        for (String n : new String[] {"x1.safetensors", "x2.safetensors"}) {
            SafetensorsWriter.to(sub.resolve(n)).add(new TensorSpec("same", DType.U8, new long[] {1}, bytesPayload(new byte[1]))).write();
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(sub));
        assertTrue(e.getMessage().contains("tensor 'same'") && e.getMessage().contains("unique"), e.getMessage());
    }

    @Test
    void sparseFileOverFourGiBIsReadInBoundedChunks() throws IOException {
        long big = 4_500_000_000L;
        String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            raf.write(h);
            long data = 8 + h.length;
            raf.setLength(data + big + 8);
            raf.seek(data + 4_294_967_296L + 5); // beyond 2^32
            raf.write(new byte[] {42, 43});
            raf.seek(data + big);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-7f).array());
        }
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            TensorEntry e = f.tensor("big");
            assertEquals(big, e.byteSize());
            byte[] two = new byte[2];
            e.readBytes(4_294_967_296L + 5, two, 0, 2);
            assertArrayEquals(new byte[] {42, 43}, two);
            float[] tail = new dev.qlens.core.io.DecodedTensor(f.tensor("tail")).readAll();
            assertArrayEquals(new float[] {1.25f, -7f}, tail);
            float[] mid = new float[4];
            new dev.qlens.core.io.DecodedTensor(e).read(4_294_967_296L + 4, mid, 0, 4);
            assertArrayEquals(new float[] {0, 42, 43, 0}, mid);
        }
    }

    @Test
    void writerProducesAFileOverFourGiBWithATensorBeyondTheBoundary() throws IOException {
        assertTrue(Files.getFileStore(dir).getUsableSpace() > (64L << 20), "needs a little free space");
        long big = 4_400_000_000L;
        byte[] head = new byte[1 << 20];
        byte[] tail = new byte[1 << 20];
        new Random(9).nextBytes(head);
        new Random(10).nextBytes(tail);
        Path out = dir.resolve("huge.safetensors");
        SafetensorsWriter.to(out)
                .add(new TensorSpec("big", DType.U8, new long[] {big}, sink -> {
                    sink.write(head, 0, head.length);
                    sink.skip(big - head.length - tail.length);
                    sink.write(tail, 0, tail.length);
                }))
                .add(new TensorSpec("after", DType.F32, new long[] {1}, bytesPayload(new byte[] {0, 0, (byte) 0x80, 0x3F})))
                .write();
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            TensorEntry e = f.tensor("big");
            byte[] got = new byte[head.length];
            e.readBytes(0, got, 0, got.length);
            assertArrayEquals(head, got);
            e.readBytes(big - tail.length, got, 0, got.length);
            assertArrayEquals(tail, got);
            byte[] zeros = new byte[8];
            e.readBytes(3_000_000_000L, zeros, 0, 8);
            assertArrayEquals(new byte[8], zeros);
            assertArrayEquals(new float[] {1f}, new dev.qlens.core.io.DecodedTensor(f.tensor("after")).readAll());
            assertTrue(f.header().dataStart() + big > (1L << 32));
        }
    }

    @Test
    void openRejectsMissingFilesAndDirectoriesWithoutShards() throws IOException {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("no such file"));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoints.open(empty));
        assertTrue(e2.getMessage().contains("no .safetensors files"));
        Path junk = write("junk.bin", "hello world, not a model".getBytes(StandardCharsets.UTF_8));
        CheckpointException e3 = assertThrows(CheckpointException.class, () -> Checkpoints.open(junk));
        assertNotNull(e3.getMessage());
    }

    static List<String> names(Checkpoint c) {
        List<String> out = new ArrayList<>();
        c.tensors().forEach(t -> out.add(t.name()));
        return out;
    }
}
