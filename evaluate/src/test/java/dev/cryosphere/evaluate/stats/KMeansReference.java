package dev.cryosphere.evaluate.stats;

import java.util.SplittableRandom;

/**
 * The project's former k-means (Lloyd, k-means++ from a SplittableRandom, restarts keep the lowest inertia), kept as a
 * reference for {@link KMeans}, which now runs commons-math3's KMeansPlusPlusClusterer on the same random stream:
 * {@code StatsTest} checks that both give the same clusters.
 */
record KMeansReference(double[][] centres, int[] assignment, double inertia) {

    static KMeansReference fit(double[][] z, int k, long seed) { return fit(z, k, seed, 10, 300); }

    static KMeansReference fit(double[][] z, int k, long seed, int restarts, int maxIterations) {
        if (z.length == 0) throw new IllegalArgumentException("no points to cluster");
        int kk = Math.min(k, z.length);
        SplittableRandom rng = new SplittableRandom(seed);
        KMeansReference best = null;
        for (int r = 0; r < restarts; r++) {
            KMeansReference run = lloyd(z, initPlusPlus(z, kk, rng.split()), maxIterations);
            if (best == null || run.inertia < best.inertia) best = run;
        }
        return best;
    }

    /** k-means++: each next centre drawn with probability proportional to the squared distance to the nearest one. */
    static double[][] initPlusPlus(double[][] z, int k, SplittableRandom rng) {
        double[][] c = new double[k][];
        c[0] = z[rng.nextInt(z.length)].clone();
        double[] d2 = new double[z.length];
        for (int i = 0; i < z.length; i++) d2[i] = Nearest.distance2(z[i], c[0]);
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (double d : d2) total += d;
            int pick = 0;
            if (total > 0) {
                double u = rng.nextDouble() * total, acc = 0;
                for (pick = 0; pick < z.length - 1; pick++) {
                    acc += d2[pick];
                    if (acc > u) break;
                }
            } else {
                pick = rng.nextInt(z.length);
            }
            c[j] = z[pick].clone();
            for (int i = 0; i < z.length; i++) d2[i] = Math.min(d2[i], Nearest.distance2(z[i], c[j]));
        }
        return c;
    }

    static KMeansReference lloyd(double[][] z, double[][] centres, int maxIterations) {
        int k = centres.length, l = z[0].length;
        int[] assign = new int[z.length];
        java.util.Arrays.fill(assign, -1);
        for (int it = 0; it < maxIterations; it++) {
            boolean changed = false;
            for (int i = 0; i < z.length; i++) {
                int a = Nearest.index(centres, z[i]);
                if (a != assign[i]) {
                    assign[i] = a;
                    changed = true;
                }
            }
            if (!changed) break;
            double[][] sum = new double[k][l];
            int[] count = new int[k];
            for (int i = 0; i < z.length; i++) {
                count[assign[i]]++;
                for (int d = 0; d < l; d++) sum[assign[i]][d] += z[i][d];
            }
            // an emptied cluster keeps its centre (rare with k-means++; keeps k fixed and the result deterministic)
            for (int j = 0; j < k; j++) if (count[j] > 0) for (int d = 0; d < l; d++) centres[j][d] = sum[j][d] / count[j];
        }
        double inertia = 0;
        for (int i = 0; i < z.length; i++) inertia += Nearest.distance2(z[i], centres[assign[i]]);
        return new KMeansReference(centres, assign, inertia);
    }
}
