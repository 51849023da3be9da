package dev.qlens.cli.jobs.sweep;

import java.util.List;
import java.util.Locale;

/** The formats a mixed-tile assignment can give a tile, with their true bytes per 32 x 32 tile. */
public enum TileFormat {
    /** bfloat16: 2 bytes per element. */
    BF16("bf16", 2048),
    /** Tenstorrent bfloat8_b: 64 exponent bytes and 1024 codes. */
    BFP8("bfp8", 1088),
    /** Tenstorrent bfloat4_b. */
    BFP4("bfp4", 576),
    /** Tenstorrent bfloat2_b. */
    BFP2("bfp2", 320);

    /** Codes of the assignment maps: the seed tool's order. */
    public static final List<TileFormat> CODES = List.of(BF16, BFP8, BFP4, BFP2);

    private final String cliName;
    private final int tileBytes;

    TileFormat(String cliName, int tileBytes) {
        this.cliName = cliName;
        this.tileBytes = tileBytes;
    }

    /** The catalog name. */
    public String cliName() {
        return cliName;
    }

    /** Bytes of one packed 32 x 32 tile. */
    public int tileBytes() {
        return tileBytes;
    }

    /** The integer code in assignment maps (0 to 3; -1 is "unassigned"). */
    public int code() {
        return CODES.indexOf(this);
    }

    /** The tile format of a name, or null. */
    public static TileFormat of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (TileFormat f : values()) {
            if (f.cliName.equals(n)) {
                return f;
            }
        }
        return null;
    }
}
