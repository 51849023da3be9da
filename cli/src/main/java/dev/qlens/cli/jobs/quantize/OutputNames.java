package dev.qlens.cli.jobs.quantize;

import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default output name, beside the input, in the spirit of the seed tool's: the input's base name,
 * the format and its options, and the rounding method, e.g. {@code flux_int8_tensorwise_row_convrot256.safetensors}.
 */
final class OutputNames {
    private OutputNames() {
    }

    static Path defaultOutput(QuantizeOptions o) {
        Path in = o.input().toAbsolutePath().normalize();
        String file = in.getFileName() == null ? "model" : in.getFileName().toString();
        String base = file;
        for (String ext : new String[] {".safetensors.index.json", ".index.json", ".safetensors", ".onnx", ".json"}) {
            if (base.endsWith(ext)) {
                base = base.substring(0, base.length() - ext.length());
                break;
            }
        }
        base = base.replaceAll("-\\d{5}-of-\\d{5}$", "");
        Path dir = Files.isDirectory(in) ? in.getParent() : in.getParent();
        return (dir == null ? Path.of(".") : dir).resolve(base + suffix(o) + ".safetensors");
    }

    static String suffix(QuantizeOptions o) {
        CodecSpec s = o.spec();
        StringBuilder sb = new StringBuilder("_").append(s.format().cliName());
        if (s.format() == ComfyFormat.INT8_TENSORWISE) {
            sb.append(s.perRow() ? "_row" : "_tensor");
        }
        if (s.convrot() != 0) {
            sb.append("_convrot").append(s.convrot());
        }
        if (s.format() == ComfyFormat.FLOAT8_E4M3FN_BLOCKWISE || s.format() == ComfyFormat.INT8_BLOCKWISE) {
            sb.append("_g").append(s.groupSize());
        }
        for (String p : o.presets()) {
            sb.append('_').append(p);
        }
        if (o.scaleSearch()) {
            sb.append("_ss");
        }
        if (o.learned() != null) {
            sb.append("_lr-").append(o.learned().method().cliName());
        }
        if (o.gptq() != null) {
            sb.append("_gptq");
        }
        return sb.toString();
    }
}
