package dev.qlens.core.io.safetensors;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.ByteSource;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parsed and validated header of a safetensors file.
 *
 * <p>Layout: an 8-byte little-endian header length N (at most 100,000,000), N bytes of UTF-8 JSON
 * (an object mapping tensor names to {@code {"dtype", "shape", "data_offsets"}}, plus an optional
 * {@code "__metadata__"} object of strings), then the data. Offsets are relative to the start of the
 * data; sorted by offset, the tensors must tile the data exactly, and each tensor's byte count must
 * equal its element count times its dtype size.
 */
public final class SafetensorsHeader {
    /** The largest header the format allows. */
    public static final long MAX_HEADER_LENGTH = 100_000_000L;
    /** Bytes a remote file's first read fetches (bytes=0-100000, as the Hub's own tools do): most headers fit. */
    private static final long FIRST_READ = 100_001;
    private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("0|[1-9][0-9]{0,18}");

    /** One tensor's header entry. Offsets are relative to the start of the data section. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        /** Byte length. */
        public long length() {
            return end - begin;
        }
    }

    private final List<Entry> entries;
    private final Map<String, String> metadata;
    private final long headerLength;

    private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata, long headerLength) {
        this.entries = entries;
        this.metadata = metadata;
        this.headerLength = headerLength;
    }

    /** Tensors in header order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The JSON header length N. */
    public long headerLength() {
        return headerLength;
    }

    /** Absolute file position of the data section: 8 + N. */
    public long dataStart() {
        return 8 + headerLength;
    }

    /**
     * Reads and validates the header of an open file.
     *
     * @throws CheckpointException describing the first problem found
     */
    public static SafetensorsHeader read(ByteSource source, Path file) throws IOException {
        long size = source.size();
        if (size < 8) {
            throw new CheckpointException(file, "file is " + size + " bytes, too short for a safetensors header");
        }
        byte[] lengthBytes = new byte[8];
        source.readFully(0, lengthBytes, 0, 8, Math.min(size, FIRST_READ));
        long n = ByteBuffer.wrap(lengthBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_LENGTH) {
            throw new CheckpointException(file, "header length " + Long.toUnsignedString(n)
                    + " exceeds the safetensors limit of " + MAX_HEADER_LENGTH + " bytes (not a safetensors file?)");
        }
        if (8 + n > size) {
            throw new CheckpointException(file, "truncated: the header claims " + n + " bytes but the file has only "
                    + (size - 8) + " after the length field");
        }
        byte[] json = new byte[(int) n];
        source.readFully(8, json, 0, (int) n);
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, "header is not valid UTF-8");
        }
        SafetensorsHeader header = parse(text, file, n);
        header.validateLayout(file, size - 8 - n);
        return header;
    }

    /** Parses header JSON (exposed for tests). */
    static SafetensorsHeader parse(String text, Path file, long headerLength) {
        String trimmed = text.stripLeading();
        if (!trimmed.startsWith("{")) {
            throw new CheckpointException(file, "header is not a JSON object (it must start with '{')");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (seen.put(name, Boolean.TRUE) != null) {
                    throw new CheckpointException(file, name, "appears twice in the header (duplicate tensor name)");
                }
                if (name.equals("__metadata__")) {
                    readMetadata(r, file, metadata);
                } else {
                    entries.add(readEntry(r, file, name));
                }
            }
            r.endObject();
            boolean trailing;
            try {
                trailing = r.peek() != JsonToken.END_DOCUMENT;
            } catch (IOException e) {
                trailing = true;
            }
            if (trailing) {
                throw new CheckpointException(file, "unexpected content after the header's JSON object");
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file, "malformed header JSON: " + describe(e));
        }
        return new SafetensorsHeader(Collections.unmodifiableList(entries), Collections.unmodifiableMap(metadata),
                headerLength);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int see = m.indexOf("\nSee ");
        if (see > 0) {
            m = m.substring(0, see);
        }
        // Gson suggests lenient parsing; the user needs the position of the problem instead.
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "syntax error ");
    }

    private static void readMetadata(JsonReader r, Path file, Map<String, String> out) throws IOException {
        if (r.peek() == JsonToken.NULL) {
            r.nextNull();
            return;
        }
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new CheckpointException(file, "__metadata__ must be an object of strings");
        }
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            JsonToken t = r.peek();
            if (t == JsonToken.STRING || t == JsonToken.NUMBER) {
                out.put(key, r.nextString());
            } else if (t == JsonToken.BOOLEAN) {
                out.put(key, Boolean.toString(r.nextBoolean()));
            } else {
                throw new CheckpointException(file, "__metadata__ value for '" + key + "' must be a string, not " + t);
            }
        }
        r.endObject();
    }

    private static Entry readEntry(JsonReader r, Path file, String name) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new CheckpointException(file, name, "header entry must be an object with dtype, shape and data_offsets");
        }
        DType dtype = null;
        long[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            switch (key) {
                case "dtype": {
                    if (r.peek() != JsonToken.STRING) {
                        throw new CheckpointException(file, name, "dtype must be a string");
                    }
                    String d = r.nextString();
                    dtype = DType.fromSafetensors(d);
                    if (dtype == null) {
                        throw new CheckpointException(file, name, "unknown dtype '" + d + "'");
                    }
                    break;
                }
                case "shape":
                    shape = readIntegers(r, file, name, "shape");
                    break;
                case "data_offsets":
                    offsets = readIntegers(r, file, name, "data_offsets");
                    break;
                default:
                    r.skipValue();
                    break;
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null) {
            throw new CheckpointException(file, name, "header entry lacks "
                    + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        if (offsets.length != 2) {
            throw new CheckpointException(file, name, "data_offsets must hold exactly two numbers, not " + offsets.length);
        }
        if (offsets[1] < offsets[0]) {
            throw new CheckpointException(file, name, "data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
        }
        long numel;
        long expected;
        try {
            numel = Shapes.numel(shape);
            expected = dtype.byteSize(numel);
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, name, "shape " + Shapes.toString(shape) + " of " + dtype + " is invalid: "
                    + (e.getMessage() != null && e.getMessage().contains("whole bytes") ? e.getMessage() : "element count overflows"));
        }
        if (offsets[1] - offsets[0] != expected) {
            throw new CheckpointException(file, name, "data_offsets [" + offsets[0] + ", " + offsets[1] + "] hold "
                    + (offsets[1] - offsets[0]) + " bytes but shape " + Shapes.toString(shape) + " of " + dtype
                    + " needs " + expected);
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] readIntegers(JsonReader r, Path file, String name, String what) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            throw new CheckpointException(file, name, what + " must be an array of non-negative integers");
        }
        List<Long> values = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.NUMBER) {
                throw new CheckpointException(file, name, what + " must contain only non-negative integers");
            }
            String literal = r.nextString();
            if (!NON_NEGATIVE_INTEGER.matcher(literal).matches()) {
                throw new CheckpointException(file, name, what + " contains '" + literal + "', not a non-negative integer");
            }
            try {
                values.add(Long.parseLong(literal));
            } catch (NumberFormatException e) {
                throw new CheckpointException(file, name, what + " value " + literal + " is too large");
            }
            if (values.size() > 64) {
                throw new CheckpointException(file, name, what + " has more than 64 entries");
            }
        }
        r.endArray();
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Checks that the tensors tile the data section exactly. */
    private void validateLayout(Path file, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new CheckpointException(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > expected) {
                throw new CheckpointException(file, e.name(), "data_offsets start at " + e.begin()
                        + " but the previous tensor ends at " + expected + " (a gap of " + (e.begin() - expected)
                        + " bytes not covered by any tensor)");
            }
            if (e.end() > dataLength) {
                throw new CheckpointException(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] run past the end of the file (the data section has " + dataLength
                        + " bytes; the file is truncated)");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw new CheckpointException(file, "the tensors cover " + expected + " bytes of data but the file holds "
                    + dataLength + " (" + (dataLength - expected) + " trailing bytes not covered by any tensor)");
        }
    }
}
