package dev.cryosphere.evaluate.stats;

/** Nearest row by squared Euclidean distance; ties go to the lower index (deterministic). */
public final class Nearest {
    private Nearest() {}

    public static int index(double[][] rows, double[] point) {
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < rows.length; i++) {
            double d = distance2(rows[i], point);
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    static double distance2(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) s += (a[d] - b[d]) * (a[d] - b[d]);
        return s;
    }
}
