package dev.qlens.cli.jobs.check;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FakeQuantizer;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.Nvfp4Format;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.catalog.ScaledFormat;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * QBench's compliance check, exact: every value of a (fake-quantized) float tensor must equal what
 * the format would store for it with the scales the format infers from the tensor itself, i.e. be
 * the group's scale times a representable element. Values compare as floats (so -0 and +0 are equal;
 * NaN passes only where the format keeps NaN). Scaled formats whose scale is a float32 quotient
 * (amax / max, or (max - min) / range) are checked against the inferred scale and its float32
 * neighbours within {@link ScaledCheck#ULPS} ulps, since re-deriving a scale from quantized values can
 * land one ulp off. Failing values are listed with the representable values just below and above.
 */
final class Compliance {
    private static final int CHUNK = 1 << 16;

    private Compliance() {
    }

    static CheckReport run(CheckOptions o) throws Exception {
        ComplianceConfig config = ComplianceConfig.of(o);
        try (Checkpoint c = Checkpoints.open(o.checkpoint())) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            List<Parallel.Task<CheckReport.Layer>> tasks = new ArrayList<>();
            for (LogicalTensor t : view.tensors()) {
                if (t.kind() != LogicalTensor.Kind.PLAIN || !t.storedDtype().isFloatingPoint() || t.numel() == 0) {
                    continue;
                }
                QuantFormat f = config.formatFor(t.name(), t.shape());
                if (f != null) {
                    tasks.add(() -> check(t, f, o.maxExamples()));
                }
            }
            if (tasks.isEmpty()) {
                throw new dev.qlens.core.QlensException(o.checkpoint() + ": no floating-point tensor selected for the"
                        + " compliance check");
            }
            List<CheckReport.Layer> layers = Parallel.run(tasks, Math.max(1, o.threads()));
            List<Finding> findings = new ArrayList<>();
            for (CheckReport.Layer l : layers) {
                if (l.failures() > 0) {
                    CheckReport.Example e = l.examples().get(0);
                    findings.add(Finding.error(l.name(), "not-representable", l.failures() + " values are not "
                            + l.scheme() + " values at the scales the format infers (first: element " + e.index() + " = "
                            + e.value() + ", between " + e.below() + " and " + e.above() + ")"));
                }
            }
            findings.sort(Comparator.comparing(Finding::severity));
            return new CheckReport(o.checkpoint().toString(), "compliance", layers, findings, view.warnings());
        }
    }

    /** Checks one tensor against one format, streaming. */
    static CheckReport.Layer check(LogicalTensor t, QuantFormat f, int maxExamples) throws IOException {
        long[] shape = t.shape();
        long n = t.numel();
        List<long[]> bad = new ArrayList<>();
        long failures;
        if (f instanceof ScaledFormat) {
            ScaledCheck sc = new ScaledCheck((ScaledFormat) f, shape);
            stream(t, (start, x, len) -> sc.observe(start, x, len));
            sc.finish();
            stream(t, (start, x, len) -> sc.checkCandidate0(start, x, len));
            if (sc.suspects() > 0) {
                stream(t, (start, x, len) -> sc.checkOthers(start, x, len));
            }
            failures = sc.failures();
            if (failures > 0) {
                stream(t, (start, x, len) -> sc.examples(start, x, len, bad, maxExamples));
            }
        } else if (f instanceof Nvfp4Format) {
            failures = nvfp4(t, (Nvfp4Format) f, bad, maxExamples);
        } else {
            FakeQuantizer q = f.fakeQuantizer(shape, EncodeMode.DEFAULT);
            long unit = q.unit();
            int chunk = (int) Math.max(unit, CHUNK / unit * unit);
            if (q.needsCalibration()) {
                stream(t, chunk, (start, x, len) -> q.calibrate(start, x, 0, len));
            }
            long[] count = {0};
            float[] out = new float[chunk];
            stream(t, chunk, (start, x, len) -> {
                q.apply(start, x, 0, len, out, 0);
                for (int i = 0; i < len; i++) {
                    if (!same(x[i], out[i])) {
                        if (count[0]++ < maxExamples) {
                            bad.add(new long[] {start + i, Float.floatToRawIntBits(x[i])});
                        }
                    }
                }
            });
            failures = count[0];
        }
        List<CheckReport.Example> examples = failures == 0 ? List.of() : neighbours(t, f, bad);
        return new CheckReport.Layer(t.name(), f.name(), Double.NaN, failures, examples);
    }

    /**
     * NVFP4: the per-tensor scale amax / 2688 re-derived from quantized values can be an ulp off, so the
     * tensor is checked against that scale and its float32 neighbours within {@link ScaledCheck#ULPS}
     * ulps; the one with the fewest mismatches counts.
     */
    private static long nvfp4(LogicalTensor t, Nvfp4Format f, List<long[]> bad, int maxExamples) throws IOException {
        float[] amax = {0};
        stream(t, (start, x, len) -> amax[0] = Math.max(amax[0], dev.qlens.core.kernel.KernelProvider.get().maxAbs(x, 0, len)));
        float g0 = dev.qlens.core.block.Nvfp4Codec.globalScale(amax[0]);
        int candidates = 2 * ScaledCheck.ULPS + 1;
        float[] globals = new float[candidates];
        FakeQuantizer[] q = new FakeQuantizer[candidates];
        for (int j = 0; j < candidates; j++) {
            float g = g0;
            for (int k = 0; k < Math.abs(j - ScaledCheck.ULPS); k++) {
                g = j > ScaledCheck.ULPS ? Math.nextUp(g) : Math.nextDown(g);
            }
            globals[j] = g;
            q[j] = f.fakeQuantizer(t.shape(), EncodeMode.DEFAULT, g);
        }
        long unit = q[0].unit();
        int chunk = (int) Math.max(unit, CHUNK / unit * unit);
        long[] mismatches = new long[candidates];
        float[] out = new float[chunk];
        stream(t, chunk, (start, x, len) -> {
            for (int j = 0; j < candidates; j++) {
                q[j].apply(start, x, 0, len, out, 0);
                for (int i = 0; i < len; i++) {
                    if (!same(x[i], out[i])) {
                        mismatches[j]++;
                    }
                }
            }
        });
        int best = ScaledCheck.ULPS;
        for (int j = 0; j < candidates; j++) {
            if (mismatches[j] < mismatches[best]) {
                best = j;
            }
        }
        if (mismatches[best] > 0) {
            FakeQuantizer chosen = q[best];
            stream(t, chunk, (start, x, len) -> {
                chosen.apply(start, x, 0, len, out, 0);
                for (int i = 0; i < len && bad.size() < maxExamples; i++) {
                    if (!same(x[i], out[i])) {
                        bad.add(new long[] {start + i, Float.floatToRawIntBits(x[i])});
                    }
                }
            });
        }
        return mismatches[best];
    }

    static boolean same(float a, float b) {
        return a == b || (a != a && b != b);
    }

    /** The representable values on either side of each failing value: the format rounding toward zero and away. */
    private static List<CheckReport.Example> neighbours(LogicalTensor t, QuantFormat f, List<long[]> bad)
            throws IOException {
        float[] toward;
        float[] away;
        try {
            toward = valuesAt(t, FormatCatalog.parse(withRounding(f.name(), "zero")), bad);
            away = valuesAt(t, FormatCatalog.parse(withRounding(f.name(), "away")), bad);
        } catch (IllegalArgumentException noDirectedRounding) {
            // Formats that only round to nearest (block floats): show the nearest representable value.
            toward = valuesAt(t, f, bad);
            away = toward;
        }
        List<CheckReport.Example> out = new ArrayList<>();
        for (int i = 0; i < bad.size(); i++) {
            float v = Float.intBitsToFloat((int) bad.get(i)[1]);
            float lo = Math.min(toward[i], away[i]);
            float hi = Math.max(toward[i], away[i]);
            out.add(new CheckReport.Example(bad.get(i)[0], v, lo, hi));
        }
        return out;
    }

    private static String withRounding(String name, String rounding) {
        String base = name.replaceAll(":(even|away|zero|stochastic)\\b,?", ":").replaceAll("[:,]$", "");
        return base + (base.contains(":") ? "," : ":") + rounding;
    }

    private static float[] valuesAt(LogicalTensor t, QuantFormat f, List<long[]> bad) throws IOException {
        FakeQuantizer q = f.fakeQuantizer(t.shape(), EncodeMode.DEFAULT);
        long unit = q.unit();
        int chunk = (int) Math.max(unit, CHUNK / unit * unit);
        if (q.needsCalibration()) {
            stream(t, chunk, (start, x, len) -> q.calibrate(start, x, 0, len));
        }
        float[] vals = new float[bad.size()];
        float[] out = new float[chunk];
        stream(t, chunk, (start, x, len) -> {
            boolean any = false;
            for (long[] b : bad) {
                any |= b[0] >= start && b[0] < start + len;
            }
            if (!any) {
                return;
            }
            q.apply(start, x, 0, len, out, 0);
            for (int i = 0; i < bad.size(); i++) {
                long e = bad.get(i)[0];
                if (e >= start && e < start + len) {
                    vals[i] = out[(int) (e - start)];
                }
            }
        });
        return vals;
    }

    /** Receives consecutive chunks of a tensor. */
    interface ChunkVisitor {
        void visit(long start, float[] x, int n) throws IOException;
    }

    static void stream(LogicalTensor t, ChunkVisitor v) throws IOException {
        stream(t, CHUNK, v);
    }

    static void stream(LogicalTensor t, int chunk, ChunkVisitor v) throws IOException {
        FloatView view = t.open();
        long n = t.numel();
        float[] x = new float[(int) Math.min(chunk, n)];
        for (long start = 0; start < n; start += x.length) {
            int len = (int) Math.min(x.length, n - start);
            view.read(start, x, 0, len);
            v.visit(start, x, len);
        }
    }
}
