package dev.qlens.cli.jobs.eval;

import dev.qlens.core.linalg.Workers;
import java.util.Arrays;

/**
 * How closely a scheme's sentence embeddings follow the float32 model's: the cosine of each text's two
 * embeddings, and the overlap of each text's k nearest neighbours among the other texts.
 */
final class EmbeddingAgreement {
    private EmbeddingAgreement() {
    }

    /** The cosine of each row pair, in double precision. */
    static double[] cosines(float[][] ref, float[][] got) {
        double[] out = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            out[i] = cosine(ref[i], got[i]);
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < a.length; j++) {
            ab += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
        }
        return aa == 0 || bb == 0 ? (aa == bb ? 1 : 0) : ab / Math.sqrt(aa * bb);
    }

    /** The p-quantile of the values (linear interpolation between order statistics, as numpy's default). */
    static double quantile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return Double.NaN;
        }
        double pos = p * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    /**
     * The mean over texts of |N_ref(i) &cap; N_got(i)| / k, where N(i) are the k texts most similar (by
     * cosine) to text i among the others, ties broken by position.
     */
    static double neighbourOverlap(float[][] ref, float[][] got, int k, Workers workers) {
        int n = ref.length;
        if (k <= 0 || n < 2) {
            return Double.NaN;
        }
        double[] perText = new double[n];
        workers.forEach(n, i -> {
            int[] a = nearest(ref, i, k);
            int[] b = nearest(got, i, k);
            int common = 0;
            for (int x : a) {
                for (int y : b) {
                    if (x == y) {
                        common++;
                        break;
                    }
                }
            }
            perText[i] = (double) common / k;
        });
        double sum = 0;
        for (double v : perText) {
            sum += v;
        }
        return sum / n;
    }

    private static int[] nearest(float[][] e, int i, int k) {
        int n = e.length;
        Integer[] idx = new Integer[n - 1];
        double[] sim = new double[n];
        for (int j = 0, t = 0; j < n; j++) {
            if (j != i) {
                sim[j] = cosine(e[i], e[j]);
                idx[t++] = j;
            }
        }
        Arrays.sort(idx, (x, y) -> sim[x] != sim[y] ? Double.compare(sim[y], sim[x]) : Integer.compare(x, y));
        int[] out = new int[Math.min(k, n - 1)];
        for (int t = 0; t < out.length; t++) {
            out[t] = idx[t];
        }
        return out;
    }
}
