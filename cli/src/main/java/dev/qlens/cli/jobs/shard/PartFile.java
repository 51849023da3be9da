package dev.qlens.cli.jobs.shard;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A partial result of a sharded run ({@code --part FILE}): a header and the job's exact state for its
 * tensors (every double as its shortest exact decimal, NaN and infinities included), so that
 * {@code qlens merge} can rebuild the report a single run would have written, bit for bit.
 */
public final class PartFile {
    /** Field holding the {@link PartHeader}. */
    public static final String HEADER = "qlens_part";
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().serializeNulls()
            .setStrictness(Strictness.LENIENT).create();

    private PartFile() {
    }

    /** Writes a part atomically. */
    public static void write(Path file, PartHeader header, Object data) throws IOException {
        JsonObject o = new JsonObject();
        o.add(HEADER, GSON.toJsonTree(header));
        o.add("data", GSON.toJsonTree(data));
        AtomicOutput.writeBytes(file, (GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A part as read: its header and its data, still as JSON. */
    public record Part(Path file, PartHeader header, JsonElement data) {
        /** The data as an object of the job's part type. */
        public <T> T as(Class<T> type) {
            try {
                return GSON.fromJson(data, type);
            } catch (JsonParseException e) {
                throw new QlensException(file + ": the " + header.kind() + " part cannot be read (" + e.getMessage()
                        + "); was it written by another qlens version?");
            }
        }
    }

    /** Reads a part, with errors that name the file. */
    public static Part read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new QlensException(file + ": no such file");
        }
        JsonObject o;
        try {
            JsonReader r = new JsonReader(new StringReader(text));
            r.setStrictness(Strictness.LENIENT);
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject() || !e.getAsJsonObject().has(HEADER)) {
                throw new QlensException(file + ": not a qlens part (write parts with --shard K/N --part FILE)");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new QlensException(file + ": not valid JSON (" + e.getMessage() + ")");
        }
        return new Part(file, GSON.fromJson(o.get(HEADER), PartHeader.class), o.get("data"));
    }
}
