package dev.qlens.cli.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.qlens.cli.util.Json;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.util.ArrayList;
import java.util.List;

/** The element formats qlens encodes bit-exactly, with their defining parameters. */
public final class FormatListing {
    private FormatListing() {
    }

    /** One element format's parameters, as printed by {@code qlens formats}. */
    public record ElementInfo(String name, String kind, int bits, int exponentBits, int mantissaBits, int bias,
                              double maxFinite, double minNormal, double minSubnormal, boolean hasSubnormals,
                              String infinity, String nan, String nanEncoding, List<String> aliases) {
    }

    /** Every floating-point element format, then the symmetric integers int2..int16. */
    public static List<ElementInfo> elementFormats() {
        List<ElementInfo> out = new ArrayList<>();
        for (FloatFormat f : FloatFormat.all()) {
            out.add(describe(f));
        }
        for (IntFormat f : IntFormat.allSymmetric()) {
            out.add(new ElementInfo(f.name(), "int", f.bits(), 0, f.bits() - 1, 0, f.max(), 1, 1, false,
                    null, null, null, List.of()));
        }
        return out;
    }

    static ElementInfo describe(FloatFormat f) {
        String inf = null;
        if (f.hasInfinity()) {
            int c = f.positiveInfinityCode();
            inf = hex(c, f.bits()) + "/" + hex(c | f.signMask(), f.bits());
        }
        String nan = null;
        String nanEncoding = null;
        if (f.hasNaN()) {
            nan = ranges(f.nanCodes(), f.bits());
            int pos = f.encode(Float.NaN, Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
            int neg = f.encode(-Float.NaN, Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
            nanEncoding = pos == neg ? hex(pos, f.bits()) : hex(pos, f.bits()) + "/" + hex(neg, f.bits());
        }
        String kind = f.specials().name().toLowerCase(java.util.Locale.ROOT);
        double sub = f.minSubnormal();
        return new ElementInfo(f.name(), "float:" + kind, f.bits(), f.exponentBits(), f.mantissaBits(), f.bias(),
                f.maxFinite(), f.minNormal(), sub, sub > 0, inf, nan, nanEncoding, f.aliases());
    }

    /** One catalog format as listed by {@code qlens formats}. */
    public record CatalogInfo(String name, String family, int codeBits, double bitsPerElement, String description) {
    }

    /** Representative catalog formats (every family, every option kind). */
    public static List<CatalogInfo> catalog() {
        List<CatalogInfo> out = new ArrayList<>();
        for (QuantFormat f : FormatCatalog.examples()) {
            out.add(new CatalogInfo(f.name(), f.family(), f.codeBits(), f.nominalBitsPerElement(), f.description()));
        }
        return out;
    }

    /** Catalog entries as JSON objects (element-only fields are null); element casts are already listed. */
    public static void addCatalogJson(JsonArray arr, List<CatalogInfo> rows) {
        for (CatalogInfo c : rows) {
            if (c.family().equals("element")) {
                continue;
            }
            JsonObject o = new JsonObject();
            o.addProperty("name", c.name());
            o.addProperty("family", c.family());
            o.addProperty("bits", c.codeBits());
            o.add("bitsPerElement", Json.number(c.bitsPerElement()));
            o.addProperty("description", c.description());
            for (String k : new String[] {"exponentBits", "mantissaBits", "bias", "maxFinite", "minNormal", "minSubnormal"}) {
                o.add(k, com.google.gson.JsonNull.INSTANCE);
            }
            arr.add(o);
        }
    }

    /** JSON array with the documented field names. */
    public static JsonArray toJson(List<ElementInfo> rows) {
        JsonArray arr = new JsonArray();
        for (ElementInfo r : rows) {
            JsonObject o = new JsonObject();
            o.addProperty("name", r.name());
            o.addProperty("family", "element");
            o.addProperty("kind", r.kind());
            o.addProperty("bits", r.bits());
            o.addProperty("exponentBits", r.exponentBits());
            o.addProperty("mantissaBits", r.mantissaBits());
            o.addProperty("bias", r.bias());
            o.add("maxFinite", Json.number(r.maxFinite()));
            o.add("minNormal", Json.number(r.minNormal()));
            o.add("minSubnormal", Json.numberOrNull(r.minSubnormal(), r.hasSubnormals()));
            o.add("infinity", Json.stringOrNull(r.infinity()));
            o.add("nan", Json.stringOrNull(r.nan()));
            o.add("nanEncoding", Json.stringOrNull(r.nanEncoding()));
            JsonArray aliases = new JsonArray();
            r.aliases().forEach(a -> aliases.add(new JsonPrimitive(a)));
            o.add("aliases", aliases);
            arr.add(o);
        }
        return arr;
    }

    static String hex(int code, int bits) {
        int digits = (bits + 3) / 4;
        return String.format("0x%0" + digits + "X", code);
    }

    /** Compact code list: single codes and runs such as 0x7D-0x7F. */
    static String ranges(int[] codes, int bits) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < codes.length) {
            int j = i;
            while (j + 1 < codes.length && codes[j + 1] == codes[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(hex(codes[i], bits));
            if (j > i) {
                sb.append('-').append(hex(codes[j], bits));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
