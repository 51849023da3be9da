package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.tensor.DType;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.convention.LogicalTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides, tensor by tensor, what {@code qlens quantize} does, in this order of precedence:
 * <ol>
 *   <li>only 2-D floating-point {@code *.weight} tensors are candidates; everything else is copied;</li>
 *   <li>a preset's remove list (T5-XXL's decoder) drops the tensor;</li>
 *   <li>the layer config's most specific matching entry (format or skip);</li>
 *   <li>{@code --include} patterns quantize with the default format;</li>
 *   <li>the always-kept list, the presets' lists and {@code --exclude} keep the layer (or give it
 *       {@code --fallback});</li>
 *   <li>embedding tables are kept unless {@code --embeddings} is given and the format supports them;</li>
 *   <li>otherwise the default format.</li>
 * </ol>
 * A format that cannot store the layer's shape (ConvRot and W4A4 width rules, int8_blockwise tiles)
 * passes the layer to the fallback format, or keeps it, with the reason.
 */
public final class LayerSelector {
    private final QuantizeOptions o;
    private final Presets presets;
    private final List<Presets.Preset> active = new ArrayList<>();
    private final LayerConfigFile config;

    /** A selector for the options (presets resolved, layer config already read). */
    public LayerSelector(QuantizeOptions o, Presets presets, LayerConfigFile config) {
        this.o = o;
        this.presets = presets;
        this.config = config;
        for (String p : o.presets()) {
            active.add(presets.get(p));
        }
    }

    /** Whether a weight name looks like an embedding table (nn.Embedding): word, position, token embeddings. */
    public static boolean isEmbedding(String name) {
        if (!name.endsWith(".weight")) {
            return false;
        }
        String module = name.substring(0, name.length() - 7);
        module = module.substring(module.lastIndexOf('.') + 1);
        return module.matches("(.*_)?embeddings?|embed_tokens|wte|wpe|shared");
    }

    /** The plan for one tensor. */
    public LayerPlan plan(LogicalTensor t) {
        String name = t.name();
        LayerPlan base = new LayerPlan(t, LayerPlan.Action.COPY, null, null, o.fullPrecisionMm());
        long[] s = t.shape();
        boolean floating = t.kind() == LogicalTensor.Kind.QUANTIZED
                || (t.storedDtype() != null && t.storedDtype().isFloatingPoint() && t.storedDtype() != DType.F64);
        if (t.kind() == LogicalTensor.Kind.UNSUPPORTED || !name.endsWith(".weight") || s.length != 2 || !floating
                || s[0] == 0 || s[1] == 0) {
            return base;
        }
        for (Presets.Preset p : active) {
            for (String r : p.remove()) {
                if (name.contains(r)) {
                    return base.with(LayerPlan.Action.DROP, null, "preset " + p.name() + " removes '" + r + "'");
                }
            }
        }
        if (config != null) {
            LayerConfigFile.Settings st = config.settingsFor(name);
            if (st != null) {
                String why = "layer config '" + st.pattern() + "'";
                LayerPlan p = new LayerPlan(t, LayerPlan.Action.KEEP, null, why,
                        st.fullPrecisionMm() != null ? st.fullPrecisionMm() : o.fullPrecisionMm());
                return st.skip() ? p : fit(p.with(LayerPlan.Action.QUANTIZE, st.spec(), why));
            }
        }
        for (Pattern inc : o.includes()) {
            if (inc.matcher(name).find()) {
                return fit(base.with(LayerPlan.Action.QUANTIZE, o.spec(), "--include '" + inc.pattern() + "'"));
            }
        }
        String keep = keptBy(name);
        if (keep != null) {
            return excluded(base, keep);
        }
        if (isEmbedding(name) && !(o.embeddings() && o.spec().format().embeddings())) {
            return base.with(LayerPlan.Action.KEEP, null, o.embeddings()
                    ? "embedding table: ComfyUI loads " + o.spec().format().cliName() + " embeddings only as FP8 or INT8"
                    : "embedding table (quantize with --embeddings, FP8 or INT8 only)");
        }
        return fit(base.with(LayerPlan.Action.QUANTIZE, o.spec(), null));
    }

    private String keptBy(String name) {
        for (String a : presets.always()) {
            if (name.contains(a)) {
                return "always kept: '" + a + "'";
            }
        }
        for (Presets.Preset p : active) {
            for (String k : p.keep()) {
                if (name.contains(k)) {
                    return "preset " + p.name() + ": '" + k + "'";
                }
            }
        }
        for (Pattern ex : o.excludes()) {
            if (ex.matcher(name).find()) {
                return "--exclude '" + ex.pattern() + "'";
            }
        }
        return null;
    }

    private LayerPlan excluded(LayerPlan base, String why) {
        if (o.fallback() != null && supported(o.fallback(), base.tensor().shape()) == null) {
            return base.with(LayerPlan.Action.QUANTIZE, o.fallback(), why + "; --fallback");
        }
        return base.with(LayerPlan.Action.KEEP, null, why);
    }

    /** Passes a layer its format cannot store to the fallback, or keeps it. */
    private LayerPlan fit(LayerPlan p) {
        String problem = supported(p.spec(), p.tensor().shape());
        if (problem == null) {
            return p;
        }
        String why = p.spec().format().cliName() + ": " + problem;
        if (o.fallback() != null && !o.fallback().equals(p.spec()) && supported(o.fallback(), p.tensor().shape()) == null) {
            return p.with(LayerPlan.Action.QUANTIZE, o.fallback(), why + "; --fallback");
        }
        return p.with(LayerPlan.Action.KEEP, null, why);
    }

    /** Why a format cannot hold the shape, or null. */
    static String supported(CodecSpec spec, long[] shape) {
        long elements = shape[0] * shape[1];
        if (elements > Integer.MAX_VALUE - 1024) {
            return "the layer has " + elements + " elements; qlens quantizes layers of up to 2^31 elements";
        }
        String s = spec.codec().unsupported(shape[0], shape[1]);
        if (s == null && spec.format() == ComfyFormat.CONVROT_W4A4 && shape[1] % 2 != 0) {
            s = "an odd number of columns cannot be packed in pairs";
        }
        return s;
    }
}
