package dev.qlens.formats.catalog;

import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.numeric.Rounding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one catalog of format names used by every command. A name is {@code base[:option,option...]}:
 *
 * <ul>
 *   <li>element casts: {@code fp8_e4m3} (= fp8_e4m3fn), {@code fp8_e5m2}, {@code fp8_e4m3fnuz},
 *       {@code fp8_e5m2fnuz}, {@code fp6_e2m3}, {@code fp6_e3m2}, {@code fp4_e2m1}, {@code fp4_e3m0},
 *       {@code bf16}, {@code fp16}; option {@code sat};</li>
 *   <li>scaled: {@code <element>_<granularity>} with element a float name above or {@code intN}
 *       (symmetric), {@code uintN} / {@code sintN} (affine with a zero point), N = 2..16, and granularity
 *       {@code t} (per tensor), {@code ch} / {@code chK} (per channel along axis 0 / K), {@code bN}
 *       (N elements along the last axis) or {@code bHxW} (2-D blocks); a bare {@code intN} is per
 *       tensor; options {@code amax} (default), {@code pow2}, {@code e8m0};</li>
 *   <li>OCP MX: {@code mxfp8} (= mxfp8_e4m3), {@code mxfp8_e5m2}, {@code mxfp6} (= mxfp6_e2m3),
 *       {@code mxfp6_e3m2}, {@code mxfp4}, {@code mxint8}; options {@code floor} (default), {@code ceil},
 *       {@code rceil};</li>
 *   <li>{@code nvfp4}; option {@code comfy} (ComfyUI layout);</li>
 *   <li>Tenstorrent {@code bfp8}, {@code bfp4}, {@code bfp2} (the {@code _b} formats); option {@code legacy};</li>
 *   <li>references {@code bfp8_ideal}, {@code bfp4_ideal}, {@code bfp2_ideal}, {@code fp0}.</li>
 * </ul>
 * Every format accepts a rounding option: {@code even}, {@code away}, {@code zero}, {@code stochastic}.
 */
public final class FormatCatalog {
    private static final Pattern SCALED = Pattern.compile("(?<elem>[a-z0-9_]+?)_(?<gran>t|ch[0-9]*|b[0-9]+(?:x[0-9]+)?)");
    private static final Map<String, MxElement> MX = new LinkedHashMap<>();

    static {
        MX.put("mxfp8", MxElement.FP8_E4M3);
        MX.put("mxfp8_e4m3", MxElement.FP8_E4M3);
        MX.put("mxfp8_e5m2", MxElement.FP8_E5M2);
        MX.put("mxfp6", MxElement.FP6_E2M3);
        MX.put("mxfp6_e2m3", MxElement.FP6_E2M3);
        MX.put("mxfp6_e3m2", MxElement.FP6_E3M2);
        MX.put("mxfp4", MxElement.FP4_E2M1);
        MX.put("mxint8", MxElement.INT8);
    }

    private FormatCatalog() {
    }

    /**
     * Parses a format name.
     *
     * @throws IllegalArgumentException naming what is wrong and listing examples
     */
    public static QuantFormat parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        String base = t;
        List<String> options = new ArrayList<>();
        int colon = t.indexOf(':');
        if (colon >= 0) {
            base = t.substring(0, colon);
            for (String o : t.substring(colon + 1).split(",")) {
                if (!o.isBlank()) {
                    options.add(o.trim());
                }
            }
        }
        Options opts = new Options(text, options);
        QuantFormat f = parseBase(base, opts, text);
        opts.requireAllUsed();
        return f;
    }

    /** Option bookkeeping: every option must be understood by the format. */
    private static final class Options {
        final String text;
        final List<String> remaining;
        Rounding rounding;

        Options(String text, List<String> options) {
            this.text = text;
            this.remaining = new ArrayList<>(options);
            for (String o : options) {
                Rounding r = roundingOf(o);
                if (r != null) {
                    rounding = r;
                    remaining.remove(o);
                }
            }
        }

        boolean take(String option) {
            return remaining.remove(option);
        }

        void requireAllUsed() {
            if (!remaining.isEmpty()) {
                throw new IllegalArgumentException("format '" + text + "': unknown option(s) " + String.join(", ", remaining));
            }
        }

        /** The options in canonical order for the name. */
        String suffix(String... used) {
            List<String> parts = new ArrayList<>();
            for (String u : used) {
                if (u != null) {
                    parts.add(u);
                }
            }
            if (rounding != null) {
                parts.add(rounding.cliName());
            }
            return parts.isEmpty() ? "" : ":" + String.join(",", parts);
        }
    }

    private static Rounding roundingOf(String o) {
        switch (o) {
            case "even":
                return Rounding.NEAREST_EVEN;
            case "away":
                return Rounding.NEAREST_AWAY;
            case "zero":
                return Rounding.TOWARD_ZERO;
            case "stochastic":
                return Rounding.STOCHASTIC;
            default:
                return null;
        }
    }

    private static QuantFormat parseBase(String base, Options opts, String text) {
        if (base.equals("fp0")) {
            return new ReferenceFormat("fp0", -1);
        }
        Matcher ideal = Pattern.compile("bfp([842])_ideal").matcher(base);
        if (ideal.matches()) {
            int bits = Integer.parseInt(ideal.group(1));
            return new ReferenceFormat(base, bits - 1);
        }
        Matcher bfp = Pattern.compile("bfp([842])(_b)?").matcher(base);
        if (bfp.matches()) {
            boolean legacy = opts.take("legacy");
            String name = "bfp" + bfp.group(1) + opts.suffix(legacy ? "legacy" : null);
            if (opts.rounding != null && opts.rounding != Rounding.NEAREST_EVEN) {
                throw new IllegalArgumentException("format '" + text + "': Tenstorrent block floats round to nearest even only");
            }
            return new BfpFormat(name, Integer.parseInt(bfp.group(1)), legacy);
        }
        if (base.equals("nvfp4")) {
            boolean comfy = opts.take("comfy");
            return new Nvfp4Format("nvfp4" + opts.suffix(comfy ? "comfy" : null), comfy, opts.rounding);
        }
        MxElement mx = MX.get(base);
        if (mx != null) {
            MxScaleMode mode = MxScaleMode.FLOOR;
            for (MxScaleMode m : MxScaleMode.values()) {
                if (opts.take(m.name().toLowerCase(Locale.ROOT))) {
                    mode = m;
                }
            }
            String canonical = base.equals("mxfp8") ? "mxfp8_e4m3" : base.equals("mxfp6") ? "mxfp6_e2m3" : base;
            return new MxFormat(canonical + opts.suffix(mode == MxScaleMode.FLOOR ? null : mode.name().toLowerCase(Locale.ROOT)),
                    mx, mode, opts.rounding);
        }
        FloatFormat element = elementFloat(base);
        if (element != null) {
            boolean sat = opts.take("sat");
            return new ElementCastFormat(element, shortName(element) + opts.suffix(sat ? "sat" : null), opts.rounding, sat);
        }
        IntFormat bareInt = IntFormat.find(base);
        if (bareInt != null) {
            return scaled(shortName(bareInt) + "_t", null, bareInt, "t", opts, text);
        }
        Matcher m = SCALED.matcher(base);
        if (m.matches()) {
            String elem = m.group("elem");
            FloatFormat f = elementFloat(elem);
            IntFormat i = f == null ? IntFormat.find(elem) : null;
            if (f == null && i == null) {
                throw new IllegalArgumentException("format '" + text + "': unknown element format '" + elem + "'");
            }
            String canonical = (f != null ? shortName(f) : shortName(i)) + "_" + m.group("gran");
            return scaled(canonical, f, i, m.group("gran"), opts, text);
        }
        throw new IllegalArgumentException("unknown format '" + text + "'. Examples: fp8_e4m3, bf16, int8_ch, int8_b128,"
                + " fp8_e4m3_t, int4_b64x64, mxfp4, mxfp8:rceil, nvfp4, bfp8, bfp4:legacy, fp0 (see qlens formats)");
    }

    private static QuantFormat scaled(String canonical, FloatFormat f, IntFormat i, String gran, Options opts, String text) {
        ScaledFormat.Rule rule = ScaledFormat.Rule.AMAX;
        for (ScaledFormat.Rule r : ScaledFormat.Rule.values()) {
            if (opts.take(r.name().toLowerCase(Locale.ROOT))) {
                rule = r;
            }
        }
        ScaledFormat.Kind kind;
        int axis = 0;
        int h = 1;
        int w = 1;
        if (gran.equals("t")) {
            kind = ScaledFormat.Kind.TENSOR;
        } else if (gran.startsWith("ch")) {
            kind = ScaledFormat.Kind.CHANNEL;
            axis = gran.length() > 2 ? Integer.parseInt(gran.substring(2)) : 0;
        } else if (gran.contains("x")) {
            kind = ScaledFormat.Kind.BLOCK2D;
            String[] hw = gran.substring(1).split("x");
            h = Integer.parseInt(hw[0]);
            w = Integer.parseInt(hw[1]);
        } else {
            kind = ScaledFormat.Kind.BLOCK1D;
            w = Integer.parseInt(gran.substring(1));
        }
        if (h < 1 || w < 1 || h > (1 << 20) || w > (1 << 20)) {
            throw new IllegalArgumentException("format '" + text + "': block sizes must be between 1 and 2^20");
        }
        String name = canonical + opts.suffix(rule == ScaledFormat.Rule.AMAX ? null : rule.name().toLowerCase(Locale.ROOT));
        try {
            return new ScaledFormat(name, f, i, kind, axis, h, w, rule, opts.rounding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format '" + text + "': " + e.getMessage());
        }
    }

    private static FloatFormat elementFloat(String s) {
        if (s.equals("e8m0") || s.equals("fp8_e8m0")) {
            return null; // E8M0 holds scales, not values
        }
        return FloatFormat.find(s);
    }

    /** Catalog spelling of an element format (fp8_e4m3 for E4M3FN, otherwise its canonical name). */
    static String shortName(FloatFormat f) {
        return f == FloatFormat.FP8_E4M3FN ? "fp8_e4m3" : f.name();
    }

    static String shortName(IntFormat i) {
        return i.name();
    }

    /** Representative formats with their descriptions, for {@code qlens formats}. */
    public static List<QuantFormat> examples() {
        List<QuantFormat> out = new ArrayList<>();
        for (String n : new String[] {"bf16", "fp16", "fp8_e4m3", "fp8_e5m2", "fp8_e4m3fnuz", "fp8_e5m2fnuz", "fp6_e2m3",
            "fp6_e3m2", "fp4_e2m1", "fp4_e3m0", "fp8_e4m3_t", "fp8_e4m3_ch", "fp8_e4m3_b128x128", "int8", "int8_ch",
            "int8_b128", "int4_b32", "int4_b64x64", "uint8_ch", "fp4_e2m1_b32:e8m0", "int8_ch:pow2", "mxfp8", "mxfp8_e5m2",
            "mxfp6", "mxfp6_e3m2", "mxfp4", "mxint8", "mxfp4:rceil", "nvfp4", "nvfp4:comfy", "bfp8", "bfp4", "bfp2",
            "bfp8:legacy", "bfp8_ideal", "bfp4_ideal", "bfp2_ideal", "fp0"}) {
            out.add(parse(n));
        }
        return out;
    }

    /** The formats {@code -c all} sweeps, cheapest last. */
    public static List<QuantFormat> sweepDefaults() {
        List<QuantFormat> out = new ArrayList<>();
        for (String n : new String[] {"bf16", "fp16", "fp8_e4m3", "fp8_e5m2", "fp8_e4m3_ch", "int8_ch", "int8_b128",
            "mxfp8", "bfp8", "mxint8", "mxfp6", "mxfp6_e3m2", "int4_b32", "nvfp4", "mxfp4", "bfp4", "bfp2", "bfp8_ideal",
            "bfp4_ideal", "bfp2_ideal", "fp0"}) {
            out.add(parse(n));
        }
        return out;
    }
}
