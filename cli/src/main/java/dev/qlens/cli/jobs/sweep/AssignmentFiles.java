package dev.qlens.cli.jobs.sweep;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.util.Json;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.io.Npy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mixed-tile assignment maps as the seed tool writes them: an int8 {@code .npy} of shape
 * [tiles high, tiles wide] holding each tile's format code (bf16 0, bfp8 1, bfp4 2, bfp2 3; -1 for a
 * tile left unquantized), and a mapping JSON {@code {tile_hw, format_to_int, int_to_format,
 * assignment_shape}}.
 */
public final class AssignmentFiles {
    private AssignmentFiles() {
    }

    /** A map read back: the code of every tile and the format of every code. */
    public record Map(long tilesHigh, long tilesWide, byte[] codes, List<String> intToFormat) {
        /** The tile format of code c, or null for -1 and unknown codes (tile left unquantized). */
        public TileFormat format(int c) {
            return c < 0 || c >= intToFormat.size() ? null : TileFormat.of(intToFormat.get(c));
        }
    }

    /** Writes the .npy map and its mapping JSON next to it. */
    public static void write(Path npy, Path mapping, TileGrid grid, int[] formatIndex, List<TileFormat> formats)
            throws IOException {
        Npy.write(npy, "|i1", new long[] {grid.tilesHigh(), grid.tilesWide()}, of(grid, formatIndex, formats).codes());
        JsonObject o = new JsonObject();
        o.addProperty("tile_hw", TileGrid.TILE);
        JsonObject f2i = new JsonObject();
        JsonArray i2f = new JsonArray();
        for (TileFormat f : TileFormat.CODES) {
            f2i.addProperty(f.cliName(), f.code());
            i2f.add(f.cliName());
        }
        o.add("format_to_int", f2i);
        o.add("int_to_format", i2f);
        JsonArray shape = new JsonArray();
        shape.add(grid.tilesHigh());
        shape.add(grid.tilesWide());
        o.add("assignment_shape", shape);
        AtomicOutput.writeBytes(mapping, (Json.GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The map of an assignment, in memory: what {@link #write} stores. */
    public static Map of(TileGrid grid, int[] formatIndex, List<TileFormat> formats) {
        byte[] codes = new byte[formatIndex.length];
        for (int t = 0; t < codes.length; t++) {
            codes[t] = (byte) (formatIndex[t] < 0 ? -1 : formats.get(formatIndex[t]).code());
        }
        List<String> i2f = new ArrayList<>();
        TileFormat.CODES.forEach(f -> i2f.add(f.cliName()));
        return new Map(grid.tilesHigh(), grid.tilesWide(), codes, i2f);
    }

    /** Reads a map; without a mapping file the seed's default codes are assumed. */
    public static Map read(Path npy, Path mapping) throws IOException {
        Npy.Array a = Npy.read(npy);
        if (a.shape().length != 2 || !(a.descr().endsWith("i1") || a.descr().endsWith("u1"))) {
            throw new QlensException(npy + ": an assignment map is a 2-D int8 array, not " + a.descr() + " "
                    + java.util.Arrays.toString(a.shape()));
        }
        List<String> i2f = new ArrayList<>();
        if (mapping != null) {
            JsonObject o = JsonParser.parseString(Files.readString(mapping)).getAsJsonObject();
            o.getAsJsonArray("int_to_format").forEach(e -> i2f.add(e.getAsString()));
        } else {
            TileFormat.CODES.forEach(f -> i2f.add(f.cliName()));
        }
        return new Map(a.shape()[0], a.shape()[1], a.data(), i2f);
    }
}
