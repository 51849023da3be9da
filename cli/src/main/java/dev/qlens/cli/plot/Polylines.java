package dev.qlens.cli.plot;

/** Turns data points into pixel polylines without points that add nothing to the drawing. */
final class Polylines {
    private Polylines() {
    }

    /**
     * Pixel coordinates of the series, dropping points that lie on a horizontal or vertical run
     * between their neighbours (a staircase of 2,000 points keeps only its corners) and points that
     * round to the same pixel position (two decimals) as the previous one. Values a scale cannot show
     * (NaN, non-positive on a log axis) become gaps.
     */
    static double[][] simplify(double[] x, double[] y, Scale xs, Scale ys) {
        int n = x.length;
        double[] px = new double[n];
        double[] py = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = Double.isFinite(x[i]) ? xs.map(x[i]) : Double.NaN;
            py[i] = Double.isFinite(y[i]) ? ys.map(y[i]) : Double.NaN;
            px[i] = Math.round(px[i] * 100) / 100.0;
            py[i] = Math.round(py[i] * 100) / 100.0;
        }
        double[] ox = new double[n];
        double[] oy = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            boolean gap = Double.isNaN(px[i]) || Double.isNaN(py[i]);
            if (!gap && m > 0 && !Double.isNaN(ox[m - 1]) && ox[m - 1] == px[i] && oy[m - 1] == py[i]) {
                continue;
            }
            if (!gap && i + 1 < n && m >= 1 && !Double.isNaN(ox[m - 1]) && !Double.isNaN(oy[m - 1])
                    && !Double.isNaN(px[i + 1]) && !Double.isNaN(py[i + 1])
                    && ((oy[m - 1] == py[i] && py[i] == py[i + 1]) || (ox[m - 1] == px[i] && px[i] == px[i + 1]))) {
                continue;
            }
            ox[m] = gap ? Double.NaN : px[i];
            oy[m] = gap ? Double.NaN : py[i];
            m++;
        }
        return new double[][] {java.util.Arrays.copyOf(ox, m), java.util.Arrays.copyOf(oy, m)};
    }
}
