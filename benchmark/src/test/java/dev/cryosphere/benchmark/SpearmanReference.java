package dev.cryosphere.benchmark;

import java.util.Arrays;

/**
 * The benchmark's former Spearman correlation (hand-written average ranks, then Pearson), kept as a reference for
 * {@link BenchmarkTruth#spearman}, which now calls commons-math3: {@code BenchmarkTruthTest} checks that both agree.
 */
final class SpearmanReference {
    private SpearmanReference() {}

    /** Spearman rank correlation (average ranks for ties) over the pairs where both are finite. */
    static double spearman(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) n++;
        double[] a = new double[n], b = new double[n];
        for (int i = 0, k = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) { a[k] = x[i]; b[k++] = y[i]; }
        return pearson(ranks(a), ranks(b));
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
            double avg = 0.5 * (i + j) + 1;
            for (int k = i; k <= j; k++) r[order[k]] = avg;
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) return Double.NaN;
        double ma = Arrays.stream(a).average().orElse(0), mb = Arrays.stream(b).average().orElse(0);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

}
