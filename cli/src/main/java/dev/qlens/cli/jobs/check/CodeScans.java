package dev.qlens.cli.jobs.check;

import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.convention.BlockedScaleLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Scans of stored codes and scales, chunk by chunk: the value rules of ComfyUI's layouts. */
final class CodeScans {
    private static final int CHUNK = 1 << 22;

    private CodeScans() {
    }

    /** Calls back with consecutive byte chunks of a tensor and their offsets. */
    private interface ByteVisitor {
        void visit(byte[] b, int n, long offset);
    }

    private static void bytes(TensorEntry t, ByteVisitor v) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, t.byteSize()))];
        for (long off = 0; off < t.byteSize(); off += buf.length) {
            int n = (int) Math.min(buf.length, t.byteSize() - off);
            t.readBytes(off, buf, 0, n);
            v.visit(buf, n, off);
        }
    }

    /** FP8 codes that are NaN or infinite (E4M3: 0x7F, 0xFF; E5M2: exponent all ones). */
    static List<Finding> fp8(String layer, TensorEntry w) throws IOException {
        boolean e5 = w.dtype() == DType.F8_E5M2;
        long[] count = {0, -1};
        bytes(w, (b, n, off) -> {
            for (int i = 0; i < n; i++) {
                int c = b[i] & 0x7F;
                if (e5 ? (c & 0x7C) == 0x7C : c == 0x7F) {
                    if (count[0]++ == 0) {
                        count[1] = off + i;
                    }
                }
            }
        });
        List<Finding> out = new ArrayList<>();
        if (count[0] > 0) {
            out.add(Finding.error(layer, "fp8-nan-codes", count[0] + " weight codes are NaN or infinite (first at element "
                    + count[1] + "); ComfyUI's FP8 layouts have no special values in weights"));
        }
        return out;
    }

    /** int8 codes of -128 in a layout whose producer emits [-127, 127]. */
    static List<Finding> int8Symmetric(String layer, TensorEntry w) throws IOException {
        long[] count = {0};
        bytes(w, (b, n, off) -> {
            for (int i = 0; i < n; i++) {
                if (b[i] == (byte) 0x80) {
                    count[0]++;
                }
            }
        });
        return count[0] == 0 ? List.of() : List.of(Finding.warning(layer, "int-range", count[0] + " codes are -128;"
                + " this symmetric layout's quantizer emits [-127, 127]"));
    }

    /** Packed int4 nibbles of -8 (kitchen's W4A4 quantizer emits [-7, 7]). */
    static List<Finding> int4(String layer, TensorEntry w) throws IOException {
        long[] count = {0};
        bytes(w, (b, n, off) -> {
            for (int i = 0; i < n; i++) {
                if ((b[i] & 0xF) == 8) {
                    count[0]++;
                }
                if ((b[i] & 0xF0) == 0x80) {
                    count[0]++;
                }
            }
        });
        return count[0] == 0 ? List.of() : List.of(Finding.warning(layer, "int-range", count[0] + " int4 values are -8;"
                + " comfy-kitchen's W4A4 quantizer emits [-7, 7] (the kernels assume a symmetric range)"));
    }

    /** Float scales that are not finite and positive. */
    static List<Finding> positiveScales(String layer, TensorEntry scale) throws IOException {
        float[] s = new DecodedTensor(scale).readAll();
        long bad = 0;
        int first = -1;
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] > 0) || !Float.isFinite(s[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        return bad == 0 ? List.of() : List.of(Finding.error(layer, "scale-value", bad + " of " + s.length + " values of "
                + scale.name() + " are not finite and positive (first: index " + first + " = " + s[first] + ")"));
    }

    /** E8M0 exponents of 0xFF (NaN). */
    static List<Finding> e8m0(String layer, TensorEntry scale) throws IOException {
        long[] count = {0};
        bytes(scale, (b, n, off) -> {
            for (int i = 0; i < n; i++) {
                if (b[i] == (byte) 0xFF) {
                    count[0]++;
                }
            }
        });
        return count[0] == 0 ? List.of() : List.of(Finding.error(layer, "e8m0-nan", count[0] + " E8M0 block scales are"
                + " 0xFF (NaN): every element of those blocks dequantizes to NaN"));
    }

    /**
     * NVFP4 block scales: finite (not 0x7F/0xFF), non-negative, and zero only for blocks whose codes are
     * all zero (a zero scale turns any code into 0, hiding the weights).
     */
    static List<Finding> nvfp4(String layer, TensorEntry w, TensorEntry blocked, int rows, int blocksPerRow)
            throws IOException {
        byte[] scales = BlockedScaleLayout.unswizzle(blocked.readAll(), rows, blocksPerRow);
        long nan = 0;
        long negative = 0;
        long zeroWithCodes = 0;
        long firstZero = -1;
        byte[] row = new byte[blocksPerRow * 8];
        for (int r = 0; r < rows; r++) {
            w.readBytes((long) r * row.length, row, 0, row.length);
            for (int b = 0; b < blocksPerRow; b++) {
                int code = scales[r * blocksPerRow + b] & 0xFF;
                if ((code & 0x7F) == 0x7F) {
                    nan++;
                } else if (code > 0x80) {
                    negative++;
                } else if ((code & 0x7F) == 0) {
                    for (int i = 0; i < 8; i++) {
                        int v = row[b * 8 + i];
                        if ((v & 0x7) != 0 || (v & 0x70) != 0) {
                            zeroWithCodes++;
                            firstZero = firstZero < 0 ? (long) r * blocksPerRow + b : firstZero;
                            break;
                        }
                    }
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        if (nan > 0) {
            out.add(Finding.error(layer, "e4m3-scale-nan", nan + " E4M3 block scales are NaN (0x7F/0xFF)"));
        }
        if (negative > 0) {
            out.add(Finding.error(layer, "e4m3-scale-negative", negative + " E4M3 block scales are negative"));
        }
        if (zeroWithCodes > 0) {
            out.add(Finding.error(layer, "zero-scale-block", zeroWithCodes + " blocks have a zero scale but non-zero codes"
                    + " (first: block " + firstZero + "); they dequantize to 0"));
        }
        return out;
    }
}
