package dev.qlens.formats.catalog;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;

/**
 * An element format with scales: one per tensor, per channel along any axis, per 1-D block of N
 * along the last axis, or per 2-D block of H x W over the matrix view. value = decode(code) * scale,
 * with code = encode(x / scale) (float32 division, saturating at the element's range).
 *
 * <p>Scale rules: {@code amax} (scale = amax / max_element, float32, stored as a dequant multiplier;
 * affine integers use (max - min) / (qmax - qmin) over a range that includes 0, and a zero point);
 * {@code pow2} (QBench: 2^(floor(log2 amax) - b) with b the element's exponent bias, or floor(log2
 * qmax) for integers); {@code e8m0} (2^(floor(log2 amax) - emax) stored as an E8M0 byte, the OCP MX
 * rule). amax is over finite values; an all-zero group gets scale 1 (e8m0: 2^-127). Blocks that do not
 * divide the shape are shorter at the row end (the same as zero padding). Per-channel scales of
 * scalars and 1-D tensors are per-tensor.
 */
public final class ScaledFormat extends QuantFormat {
    /** How a group's scale is chosen. */
    enum Rule { AMAX, POW2, E8M0 }

    /** Which elements share a scale. */
    enum Kind { TENSOR, CHANNEL, BLOCK1D, BLOCK2D }

    private final String name;
    private final FloatFormat floatElement;
    private final IntFormat intElement;
    private final Kind kind;
    private final int axis;
    private final int blockH;
    private final int blockW;
    private final Rule rule;
    private final Rounding rounding;

    ScaledFormat(String name, FloatFormat floatElement, IntFormat intElement, Kind kind, int axis, int blockH, int blockW,
                 Rule rule, Rounding rounding) {
        this.name = name;
        this.floatElement = floatElement;
        this.intElement = intElement;
        this.kind = kind;
        this.axis = axis;
        this.blockH = blockH;
        this.blockW = blockW;
        this.rule = rule;
        this.rounding = rounding;
        if (isAffine() && rule != Rule.AMAX) {
            throw new IllegalArgumentException(name + ": affine (unsigned) integers support only the amax scale rule");
        }
    }

    /** Whether the elements are affine integers with a zero point. */
    public boolean affine() {
        return isAffine();
    }

    /** Whether scales follow the amax rule (a float32 quotient, as opposed to a power of two). */
    public boolean amaxRule() {
        return rule == Rule.AMAX;
    }

    /** The largest element value (float elements) or code (integers). */
    public float elementMax() {
        return maxElement();
    }

    /** The smallest integer code (affine integers), else the negated largest element. */
    public float elementMin() {
        return intElement != null ? intElement.min() : -maxElement();
    }

    /** The scale group of element {@code e} of a tensor of this shape (0 to {@link #groupCount} - 1). */
    public long groupOf(long[] shape, long e) {
        return new Layout(shape).group(e);
    }

    /** Number of scale groups of a tensor of this shape. */
    public long groupCount(long[] shape) {
        return new Layout(shape).groups;
    }

    /** The end (exclusive) of the run of consecutive elements sharing element e's scale. */
    public long runEnd(long[] shape, long e) {
        return Math.min(Shapes.numel(shape), new Layout(shape).runEnd(e));
    }

    /**
     * The scale (and, for affine integers, zero point in {@code zp[0]}) this format infers for a group
     * whose largest finite magnitude is amax and whose finite values span [lo, hi] (lo <= 0 <= hi for affine).
     */
    public float inferScale(float amax, float lo, float hi, int[] zp) {
        float[] s = new float[1];
        int[] z = new int[1];
        new Run(new long[] {1}, EncodeMode.DEFAULT, false).finishGroups(new float[] {amax}, new float[] {lo},
                new float[] {hi}, 1, s, z, null);
        zp[0] = z[0];
        return s[0];
    }

    /**
     * Fake-quantizes x[off .. off + n) with a given scale and zero point (round to nearest even), as the
     * format does: decode(encode(x / scale)) * scale, or (q - zp) * scale for integers.
     */
    public void quantizeWith(float[] x, int off, int n, float scale, int zp, float[] out, int outOff) {
        Kernels k = KernelProvider.get();
        if (floatElement != null) {
            k.scaledFloat(x, off, n, scale, floatElement, EncodeMode.DEFAULT, 0, null, 0, out, outOff);
        } else {
            k.scaledInt(x, off, n, scale, zp, intElement, EncodeMode.DEFAULT, 0, null, 0, out, outOff);
        }
    }

    private boolean isAffine() {
        return intElement != null && intElement.kind() != IntFormat.Kind.SYMMETRIC;
    }

    private int elementBits() {
        return floatElement != null ? floatElement.bits() : intElement.bits();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int codeBits() {
        return elementBits();
    }

    @Override
    public String family() {
        return "scaled";
    }

    @Override
    public String description() {
        String elem = floatElement != null ? floatElement.name() : intElement.name() + (isAffine() ? " affine" : " symmetric");
        String gran;
        switch (kind) {
            case TENSOR:
                gran = "one scale per tensor";
                break;
            case CHANNEL:
                gran = "one scale per channel (axis " + axis + ")";
                break;
            case BLOCK1D:
                gran = "one scale per " + blockW + " elements along the last axis";
                break;
            default:
                gran = "one scale per " + blockH + "x" + blockW + " block";
                break;
        }
        String r = rule == Rule.AMAX ? "amax float32 scales" : rule == Rule.POW2 ? "power-of-two float32 scales" : "E8M0 scales";
        return elem + ", " + gran + ", " + r;
    }

    // ---------------------------------------------------------------------------------------
    // Layout

    /** The scale groups of a tensor shape. */
    private final class Layout {
        final long[] shape;
        final long numel;
        final long rows;
        final long cols;
        final Kind effective;
        final long channelStride;
        final long channelDim;
        final long groups;
        final long[] scaleShape;
        final long bpr;

        Layout(long[] shape) {
            this.shape = shape.clone();
            this.numel = Shapes.numel(shape);
            Geometry g = Geometry.of(shape);
            this.rows = g.rows();
            this.cols = g.cols();
            Kind k = kind;
            if (k == Kind.CHANNEL && shape.length < 2) {
                k = Kind.TENSOR;
            }
            this.effective = k;
            switch (k) {
                case TENSOR:
                    channelStride = 1;
                    channelDim = 1;
                    bpr = 0;
                    groups = 1;
                    scaleShape = new long[0];
                    break;
                case CHANNEL: {
                    int a = axis < 0 ? axis + shape.length : axis;
                    if (a < 0 || a >= shape.length) {
                        throw new IllegalArgumentException(name + ": axis " + axis + " does not exist in shape " + Shapes.toString(shape));
                    }
                    long stride = 1;
                    for (int d = a + 1; d < shape.length; d++) {
                        stride *= shape[d];
                    }
                    channelStride = stride;
                    channelDim = shape[a];
                    bpr = 0;
                    groups = shape[a];
                    scaleShape = new long[] {shape[a]};
                    break;
                }
                case BLOCK1D: {
                    channelStride = 1;
                    channelDim = 1;
                    bpr = (cols + blockW - 1) / blockW;
                    groups = rows * bpr;
                    long[] s = shape.length == 0 ? new long[] {1} : shape.clone();
                    s[s.length - 1] = bpr;
                    scaleShape = s;
                    break;
                }
                default: {
                    channelStride = 1;
                    channelDim = 1;
                    bpr = (cols + blockW - 1) / blockW;
                    long rowGroups = (rows + blockH - 1) / blockH;
                    groups = rowGroups * bpr;
                    scaleShape = new long[] {rowGroups, bpr};
                    break;
                }
            }
        }

        long group(long e) {
            switch (effective) {
                case TENSOR:
                    return 0;
                case CHANNEL:
                    return (e / channelStride) % channelDim;
                case BLOCK1D:
                    return (e / cols) * bpr + (e % cols) / blockW;
                default:
                    return ((e / cols) / blockH) * bpr + (e % cols) / blockW;
            }
        }

        /** The end (exclusive) of the run of elements that share element e's scale. */
        long runEnd(long e) {
            switch (effective) {
                case TENSOR:
                    return Long.MAX_VALUE;
                case CHANNEL:
                    return (e / channelStride + 1) * channelStride;
                default: {
                    long row = e / cols;
                    long col = e % cols;
                    return row * cols + Math.min((col / blockW + 1) * blockW, cols);
                }
            }
        }

        boolean needsCalibration() {
            return effective == Kind.TENSOR || effective == Kind.CHANNEL;
        }

        long unit() {
            switch (effective) {
                case BLOCK1D:
                    return cols % blockW == 0 ? blockW : Math.max(1, cols);
                case BLOCK2D:
                    return Math.max(1, blockH * cols);
                default:
                    return 1;
            }
        }

        int scaleBytes() {
            return rule == Rule.E8M0 ? 1 : 4;
        }
    }

    @Override
    public long packedBytes(long[] shape) {
        Layout l = new Layout(shape);
        long bytes = CodePacking.bytes(l.numel, elementBits()) + l.groups * l.scaleBytes();
        if (isAffine()) {
            bytes += 4 * l.groups;
        }
        return bytes;
    }

    // ---------------------------------------------------------------------------------------
    // Scale computation

    private static int floorLog2(float a) {
        int bits = Float.floatToRawIntBits(a) & 0x7FFFFFFF;
        int field = bits >>> 23;
        if (field == 0) {
            return 31 - Integer.numberOfLeadingZeros(bits) - 149;
        }
        return field - 127;
    }

    private float maxElement() {
        return floatElement != null ? (float) floatElement.maxFinite() : intElement.max();
    }

    /** The scale of a group (and for E8M0 rules, the stored code in {@code code[0]}). */
    private float scaleFor(float amax, int[] code) {
        switch (rule) {
            case AMAX: {
                if (amax == 0f) {
                    return 1f;
                }
                float s = amax / maxElement();
                return s == 0f ? Float.MIN_VALUE : s;
            }
            case POW2: {
                if (amax == 0f) {
                    return 1f;
                }
                int b = floatElement != null ? floatElement.bias() : floorLog2(intElement.max());
                int e = Math.max(-149, Math.min(127, floorLog2(amax) - b));
                return Math.scalb(1f, e);
            }
            default: {
                int emax = floorLog2(maxElement());
                int shared = amax == 0f ? -127 : Math.max(-127, Math.min(127, floorLog2(amax) - emax));
                code[0] = shared + 127;
                return FloatFormat.E8M0.decode(shared + 127);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Per-tensor quantization state

    /** Scales and statistics of one tensor being quantized. */
    private final class Run implements FakeQuantizer {
        final Layout layout;
        final EncodeMode mode;
        final float[] amax;
        final float[] lo;
        final float[] hi;
        float[] scale;
        int[] zeroPoint;
        int[] scaleCode;
        long clipped;
        /** Whether block scales are kept for the whole tensor (encoding) or only per chunk (streaming). */
        final boolean keepScales;
        final Kernels kernels = KernelProvider.get();

        Run(long[] shape, EncodeMode mode, boolean keepScales) {
            this.keepScales = keepScales;
            this.layout = new Layout(shape);
            this.mode = rounding == null ? mode : mode.withRounding(rounding);
            if (layout.needsCalibration()) {
                int g = (int) layout.groups;
                amax = new float[g];
                lo = new float[g];
                hi = new float[g];
            } else {
                amax = null;
                lo = null;
                hi = null;
            }
        }

        @Override
        public long unit() {
            return layout.unit();
        }

        @Override
        public boolean needsCalibration() {
            return layout.needsCalibration();
        }

        @Override
        public void calibrate(long start, float[] x, int off, int n) {
            accumulate(start, x, off, n, 0, amax, lo, hi);
        }

        /** Folds the finite values of [start, start + n) into the group statistics (group g at index g - base). */
        private void accumulate(long start, float[] x, int off, int n, long base, float[] gAmax, float[] gLo, float[] gHi) {
            long e = start;
            long end = start + n;
            while (e < end) {
                long runEnd = Math.min(end, layout.runEnd(e));
                int i = (int) (e - start);
                int len = (int) (runEnd - e);
                int g = (int) (layout.group(e) - base);
                if (isAffine()) {
                    for (int j = off + i; j < off + i + len; j++) {
                        float v = x[j];
                        if (Float.isFinite(v)) {
                            gLo[g] = Math.min(gLo[g], v);
                            gHi[g] = Math.max(gHi[g], v);
                        }
                    }
                } else {
                    gAmax[g] = Math.max(gAmax[g], kernels.maxAbsFinite(x, off + i, len));
                }
                e = runEnd;
            }
        }

        private void finishGroups(float[] gAmax, float[] gLo, float[] gHi, int count, float[] s, int[] zp, int[] codes) {
            int[] code = new int[1];
            for (int g = 0; g < count; g++) {
                if (isAffine()) {
                    int qmin = intElement.min();
                    int qmax = intElement.max();
                    float range = gHi[g] - gLo[g];
                    float sc = range / (qmax - qmin);
                    if (sc == 0f || !Float.isFinite(sc)) {
                        sc = 1f;
                    }
                    float t = qmin - gLo[g] / sc;
                    s[g] = sc;
                    zp[g] = (int) Math.max(qmin, Math.min(qmax, Math.rint(t)));
                } else {
                    s[g] = scaleFor(gAmax[g], code);
                    if (codes != null) {
                        codes[g] = code[0];
                    }
                }
            }
        }

        private void ensureGlobalScales() {
            if (scale != null) {
                return;
            }
            int g = layout.needsCalibration() || keepScales ? (int) layout.groups : 0;
            scale = new float[g];
            zeroPoint = new int[g];
            scaleCode = rule == Rule.E8M0 ? new int[g] : null;
            if (layout.needsCalibration()) {
                finishGroups(amax, lo, hi, g, scale, zeroPoint, scaleCode);
            }
        }

        @Override
        public void apply(long start, float[] x, int off, int n, float[] out, int outOff) {
            process(start, x, off, n, null, out, outOff);
        }

        /**
         * Quantizes elements [start, start + n): writes packed codes to {@code codes} (when not null)
         * and dequantized values to {@code out} (when not null). Block scales are computed here; the
         * chunk must be aligned to {@link #unit()}.
         */
        void process(long start, float[] x, int off, int n, byte[] codes, float[] out, int outOff) {
            ensureGlobalScales();
            float[] chunkScale = scale;
            int[] chunkZero = zeroPoint;
            long base = 0;
            if (!layout.needsCalibration() && n > 0) {
                long g0 = layout.group(start);
                long g1 = layout.group(start + n - 1);
                if (layout.effective == Kind.BLOCK2D) {
                    // 2-D blocks of a row group are interleaved by rows; cover the whole row group.
                    g0 = g0 - g0 % layout.bpr;
                    g1 = g1 - g1 % layout.bpr + layout.bpr - 1;
                }
                int count = (int) (g1 - g0 + 1);
                float[] ga = new float[count];
                float[] gl = new float[count];
                float[] gh = new float[count];
                accumulate(start, x, off, n, g0, ga, gl, gh);
                float[] s = new float[count];
                int[] zp = new int[count];
                int[] c = rule == Rule.E8M0 ? new int[count] : null;
                finishGroups(ga, gl, gh, count, s, zp, c);
                if (keepScales) {
                    System.arraycopy(s, 0, scale, (int) g0, count);
                    System.arraycopy(zp, 0, zeroPoint, (int) g0, count);
                    if (c != null) {
                        System.arraycopy(c, 0, scaleCode, (int) g0, count);
                    }
                }
                chunkScale = s;
                chunkZero = zp;
                base = g0;
            }
            int bits = elementBits();
            long e = start;
            long end = start + n;
            while (e < end) {
                long runEnd = Math.min(end, layout.runEnd(e));
                int i = (int) (e - start);
                int len = (int) (runEnd - e);
                int g = (int) (layout.group(e) - base);
                float s = chunkScale[g];
                if (floatElement != null) {
                    byte[] c = codes == null ? null : byteCodes(len);
                    clipped += kernels.scaledFloat(x, off + i, len, s, floatElement, mode, e, c, 0, out,
                            out == null ? 0 : outOff + i);
                    if (codes != null) {
                        for (int j = 0; j < len; j++) {
                            CodePacking.put(codes, e + j, bits, c[j] & 0xFF);
                        }
                    }
                } else {
                    int[] c = codes == null ? null : intCodes(len);
                    clipped += kernels.scaledInt(x, off + i, len, s, chunkZero[g], intElement, mode, e, c, 0, out,
                            out == null ? 0 : outOff + i);
                    if (codes != null) {
                        for (int j = 0; j < len; j++) {
                            CodePacking.put(codes, e + j, bits, c[j]);
                        }
                    }
                }
                e = runEnd;
            }
        }

        private byte[] byteScratch = new byte[0];
        private int[] intScratch = new int[0];

        private byte[] byteCodes(int n) {
            if (byteScratch.length < n) {
                byteScratch = new byte[n];
            }
            return byteScratch;
        }

        private int[] intCodes(int n) {
            if (intScratch.length < n) {
                intScratch = new int[n];
            }
            return intScratch;
        }

        @Override
        public long clipped() {
            return clipped;
        }
    }

    // ---------------------------------------------------------------------------------------
    // In-memory encode / decode

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        Run run = new Run(shape, mode, true);
        Layout l = run.layout;
        if (l.needsCalibration()) {
            run.calibrate(0, x, 0, x.length);
        }
        byte[] codes = new byte[(int) CodePacking.bytes(l.numel, elementBits())];
        long unit = l.unit();
        long chunk = Math.max(unit, (1 << 20) / unit * unit);
        for (long s = 0; s < l.numel; s += chunk) {
            int n = (int) Math.min(chunk, l.numel - s);
            run.process(s, x, (int) s, n, codes, null, 0);
        }
        run.ensureGlobalScales();
        int groups = (int) l.groups;
        byte[] scales;
        DType scaleDtype;
        if (rule == Rule.E8M0) {
            scales = new byte[groups];
            for (int g = 0; g < groups; g++) {
                scales[g] = (byte) run.scaleCode[g];
            }
            scaleDtype = DType.F8_E8M0;
        } else {
            scales = new byte[4 * groups];
            for (int g = 0; g < groups; g++) {
                LittleEndian.putInt(scales, 4 * g, Float.floatToRawIntBits(run.scale[g]));
            }
            scaleDtype = DType.F32;
        }
        byte[] zps = new byte[0];
        if (isAffine()) {
            zps = new byte[4 * groups];
            for (int g = 0; g < groups; g++) {
                LittleEndian.putInt(zps, 4 * g, run.zeroPoint[g]);
            }
        }
        return new Encoded(name, shape.clone(), codes, scales, scaleDtype, l.scaleShape, Float.NaN, zps, run.clipped);
    }

    @Override
    public float[] decode(Encoded e) {
        Layout l = new Layout(e.shape());
        int n = (int) l.numel;
        float[] out = new float[n];
        int bits = elementBits();
        for (int i = 0; i < n; i++) {
            int g = (int) l.group(i);
            float s = rule == Rule.E8M0 ? FloatFormat.E8M0.decode(e.scales()[g] & 0xFF)
                    : Float.intBitsToFloat(LittleEndian.getInt(e.scales(), 4 * g));
            int code = CodePacking.get(e.codes(), i, bits);
            if (floatElement != null) {
                out[i] = floatElement.decode(code) * s;
            } else {
                int q = signExtend(code, bits);
                int zp = isAffine() ? LittleEndian.getInt(e.zeroPoints(), 4 * g) : 0;
                out[i] = (q - zp) * s;
            }
        }
        return out;
    }

    private int signExtend(int code, int bits) {
        if (intElement.kind() == IntFormat.Kind.UNSIGNED) {
            return code;
        }
        int shift = 32 - bits;
        return (code << shift) >> shift;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        return new Run(shape, mode, false);
    }
}
