package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.QlensException;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.formats.comfy.LayerCodec;
import dev.qlens.formats.comfy.QLayer;
import dev.qlens.formats.gptq.CalibrationFile;
import dev.qlens.formats.gptq.Gptq;
import dev.qlens.formats.gptq.InputStatistics;

/**
 * What {@code qlens quantize} does with calibration statistics: GPTQ on a layer whose statistics are in
 * the file, and the relative output error of a layer's codes on the held-out inputs.
 */
final class CalibratedRounding {
    private final CalibrationFile file;
    private final Gemm gemm;

    CalibratedRounding(CalibrationFile file, Gemm gemm) {
        this.file = file;
        this.gemm = gemm;
    }

    /**
     * Runs GPTQ on the layer (its scales already chosen), or returns null when the file has no
     * statistics for it (the layer keeps its round-to-nearest codes).
     *
     * @throws QlensException when the statistics do not fit the layer
     */
    Gptq.Outcome gptq(String layer, LayerCodec codec, QLayer q, Gptq.Options options) {
        InputStatistics s = file.find(layer);
        if (s == null) {
            return null;
        }
        check(layer, s, q, "calibration");
        try {
            return new Gptq(gemm).apply(codec, q, codec.targetHessian(q, s.secondMoment()), options);
        } catch (IllegalArgumentException e) {
            throw new QlensException("layer " + layer + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code ||(W - Q) X||^2 / ||W X||^2} over the held-out inputs, with Q in the original layout; NaN when
     * the file has no held-out statistics for the layer.
     */
    double outputError(String layer, QLayer q, float[] w, float[] dequantizedOriginal) {
        InputStatistics s = file.findHeldout(layer);
        if (s == null) {
            return Double.NaN;
        }
        check(layer, s, q, "held-out");
        return s.relativeOutputError(w, dequantizedOriginal, q.origRows, gemm);
    }

    private static void check(String layer, InputStatistics s, QLayer q, String which) {
        if (s.features() != q.origCols) {
            throw new QlensException("layer " + layer + ": the " + which + " statistics are for " + s.features()
                    + " inputs, the weight has " + q.origCols + " (statistics of another model?)");
        }
    }
}
