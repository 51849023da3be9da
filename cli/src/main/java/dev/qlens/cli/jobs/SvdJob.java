package dev.qlens.cli.jobs;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.TruncatedSvd;
import dev.qlens.core.linalg.Workers;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * The spectrum of one weight: top-k singular values by truncated SVD, the energy they capture and
 * effective ranks. A weight with more than two dimensions is read as [shape[0], product of the rest]
 * (output channels by fan-in); quantized weights are dequantized first.
 */
public final class SvdJob {
    private SvdJob() {
    }

    /** SVD method. */
    public enum Method {
        /** Block Golub-Kahan-Lanczos with error control. */
        LANCZOS,
        /** Randomized block Krylov iteration, no error control. */
        RANDOMIZED
    }

    /**
     * What to compute.
     *
     * @param k singular triplets (capped at min(rows, cols)); 0 for all of them
     * @param tol relative error bound of the singular values (Lanczos)
     */
    public record Options(Path checkpoint, String tensor, int k, double tol, Method method, Set<Convention> conventions,
                          int threads, long seed) {
    }

    /**
     * The result.
     *
     * @param values top singular values, largest first
     * @param frobeniusNorm ||A||_F (float64 sum of squares of the stored values)
     * @param energyAtK sum of the top-k s^2 over ||A||_F^2
     * @param complete whether the values cover the whole spectrum (k = min(rows, cols))
     * @param effectiveRankEntropy exp of the entropy of s_i / sum s_j (Roy and Vetterli) over the values
     *     found; a lower bound on the full spectrum's when incomplete
     * @param energyRank99 fewest values holding 99% of ||A||_F^2, or -1 when the top k hold less
     * @param maxResidual largest error bound of a value (Lanczos; NaN for randomized)
     */
    public record Report(String checkpoint, String tensor, long[] shape, int rows, int cols, String method, int k,
                         double tol, double[] values, double frobeniusNorm, double energyAtK, boolean complete,
                         double effectiveRankEntropy, int energyRank99, boolean converged, double maxResidual,
                         int products, int restarts, double seconds, int threads) {
    }

    /** Runs the SVD. {@code progress} receives the number of passes over the matrix so far. */
    public static Report run(Options o, IntConsumer progress) throws IOException {
        try (Checkpoint c = Checkpoints.open(o.checkpoint())) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            LogicalTensor t = view.tensor(o.tensor());
            if (t == null) {
                throw new IllegalArgumentException(o.checkpoint() + ": no tensor named '" + o.tensor() + "'"
                        + suggestions(view, o.tensor()));
            }
            if (t.kind() == LogicalTensor.Kind.UNSUPPORTED) {
                throw new IllegalArgumentException(o.checkpoint() + ": tensor '" + t.name() + "' cannot be read: "
                        + t.problem());
            }
            long[] shape = t.shape();
            if (shape.length < 2) {
                throw new IllegalArgumentException(o.checkpoint() + ": tensor '" + t.name() + "' has shape "
                        + InspectJob.shape(shape) + "; an SVD needs a matrix (2 or more dimensions)");
            }
            ReadPlan.announce(c, List.of(t));
            long rowsL = shape[0];
            long colsL = t.numel() / Math.max(1, rowsL);
            if (rowsL * colsL > Integer.MAX_VALUE - 16 || rowsL == 0 || colsL == 0) {
                throw new IllegalArgumentException(o.checkpoint() + ": tensor '" + t.name() + "' of shape "
                        + InspectJob.shape(shape) + " is empty or has more than 2^31 elements; qlens svd holds the"
                        + " matrix in memory");
            }
            int rows = (int) rowsL;
            int cols = (int) colsL;
            float[] data = new float[rows * cols];
            FloatView v = t.open();
            int chunk = 1 << 20;
            for (int i = 0; i < data.length; i += chunk) {
                v.read(i, data, i, Math.min(chunk, data.length - i));
            }
            double sumSquares = 0;
            for (int i = 0; i < data.length; i++) {
                float x = data[i];
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(o.checkpoint() + ": tensor '" + t.name()
                            + "' holds a non-finite value at element " + i + " (" + x + ")");
                }
                sumSquares += (double) x * x;
            }
            int rank = Math.min(rows, cols);
            int k = o.k() <= 0 ? rank : Math.min(o.k(), rank);
            FloatMatrix a = FloatMatrix.of(data, rows, cols);
            long start = System.nanoTime();
            TruncatedSvd.Result r;
            try (Workers workers = Workers.create(o.threads())) {
                TruncatedSvd svd = new TruncatedSvd(Gemm.using(workers)).onProgress(progress);
                r = o.method() == Method.LANCZOS
                        ? svd.lanczos(a, k, o.tol(), TruncatedSvd.LanczosOptions.defaults(k))
                        : svd.randomized(a, k, o.seed());
            }
            double seconds = (System.nanoTime() - start) * 1e-9;
            return summarize(o, t.name(), shape, rows, cols, k, r, sumSquares, seconds);
        }
    }

    static Report summarize(Options o, String name, long[] shape, int rows, int cols, int k, TruncatedSvd.Result r,
                            double sumSquares, double seconds) {
        double[] s = r.values();
        double captured = 0;
        double l1 = 0;
        int rank99 = -1;
        for (int i = 0; i < s.length; i++) {
            captured += s[i] * s[i];
            l1 += s[i];
            if (rank99 < 0 && captured >= 0.99 * sumSquares) {
                rank99 = i + 1;
            }
        }
        double entropy = 0;
        for (double x : s) {
            if (x > 0) {
                double p = x / l1;
                entropy -= p * Math.log(p);
            }
        }
        double maxResidual = 0;
        for (double res : r.residuals()) {
            maxResidual = Double.isNaN(res) ? Double.NaN : Math.max(maxResidual, res);
        }
        return new Report(o.checkpoint().toString(), name, shape, rows, cols, o.method().name().toLowerCase(), k,
                o.tol(), s, Math.sqrt(sumSquares), sumSquares == 0 ? 0 : Math.min(1, captured / sumSquares),
                k == Math.min(rows, cols), l1 == 0 ? 0 : Math.exp(entropy), rank99, r.converged(), maxResidual,
                r.products(), r.restarts(), seconds, o.threads());
    }

    private static String suggestions(CheckpointView view, String wanted) {
        String needle = wanted.toLowerCase();
        List<String> close = view.tensors().stream().map(LogicalTensor::name)
                .filter(n -> n.toLowerCase().contains(needle) || needle.contains(n.toLowerCase()))
                .limit(8).collect(Collectors.toList());
        if (close.isEmpty()) {
            close = view.tensors().stream().filter(x -> x.shape().length >= 2).map(LogicalTensor::name).limit(8)
                    .collect(Collectors.toList());
            return close.isEmpty() ? "" : "; matrices in it include: " + String.join(", ", close);
        }
        return "; did you mean: " + String.join(", ", close);
    }
}
