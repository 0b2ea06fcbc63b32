package dev.cryosphere.benchmark;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latent-space metrics as CryoBench defines them (ml-struct-bio/CryoBench). The rank correlation with the true
 * coordinate is {@link BenchmarkTruth#spearman} (commons-math3).
 */
public final class LatentMetrics {
    private LatentMetrics() {}

    /** Neighbourhood similarity over {@code subsets} interleaved subsets: mean and standard deviation across them. */
    public record Similarity(double mean, double std, int k, int subsetSize) {}

    /**
     * Neighbourhood similarity of CryoBench's {@code metrics/neighborhood_similarity/cal_neighb_hit_werror.py}
     * ({@code compare_points_index}, {@code calculate_neigh_hits_k}) as plotted by its {@code make_plot.py}:
     * <ul>
     *   <li>the points are split into {@code subsets} interleaved subsets, {@code points[s::subsets]} (CryoBench: 5);</li>
     *   <li>in a subset of m points, for each point i, its neighbourhood in a space is the k+1 points of smallest
     *       Euclidean distance to it, itself included (rank &lt; k+1 after a stable sort, ties broken by index as
     *       {@code argsort(argsort(d))});</li>
     *   <li>hits(i) = the number of points in both its true and its latent neighbourhood (≥ 1: itself);</li>
     *   <li>the subset's score is mean_i hits(i) / k, as {@code make_plot.py}'s {@code y / x} (so a perfect match
     *       scores (k+1)/k, slightly above 1: CryoBench counts the point itself in hits but not in k);</li>
     *   <li>one k for every subset, k = round(radius · m₀), at least 1, m₀ the size of the first (largest) subset:
     *       CryoBench's "neighbourhood radius" in % is k / m · 100 ({@code x / 200.0} for m = 20,000);</li>
     *   <li>mean and population standard deviation of the scores over the subsets (its error bars).</li>
     * </ul>
     * Rows of {@code truth} and {@code latent} are the same particles. Cost: subsets · m² log m.
     */
    public static Similarity neighbourhoodSimilarity(double[][] truth, double[][] latent, double radius, int subsets) {
        if (truth.length != latent.length) throw new IllegalArgumentException(truth.length + " true points, " + latent.length + " latents");
        if (subsets < 1 || truth.length < subsets) throw new IllegalArgumentException("need at least " + subsets + " points, got " + truth.length);
        double[] score = new double[subsets];
        int m0 = (truth.length + subsets - 1) / subsets, kk = Math.max(1, (int) Math.round(radius * m0));
        for (int s = 0; s < subsets; s++) {
            int m = (truth.length - s + subsets - 1) / subsets;
            double[][] a = new double[m][], b = new double[m][];
            for (int j = 0; j < m; j++) { a[j] = truth[s + j * subsets]; b[j] = latent[s + j * subsets]; }
            long hits = 0;
            boolean[] inTruth = new boolean[m];
            for (int i = 0; i < m; i++) {
                int[] na = neighbours(a, i, kk + 1), nb = neighbours(b, i, kk + 1);
                for (int x : na) inTruth[x] = true;
                for (int x : nb) if (inTruth[x]) hits++;
                for (int x : na) inTruth[x] = false;
            }
            score[s] = (double) hits / m / kk;
        }
        double mean = Arrays.stream(score).average().orElse(Double.NaN);
        double var = Arrays.stream(score).map(v -> (v - mean) * (v - mean)).average().orElse(Double.NaN);
        return new Similarity(mean, Math.sqrt(var), kk, m0);
    }

    /** Indices of the {@code count} points nearest to point i (itself included), ties by lower index first. */
    static int[] neighbours(double[][] p, int i, int count) {
        int m = p.length;
        count = Math.min(count, m);
        double[] d = new double[m];
        for (int j = 0; j < m; j++) d[j] = distance(p[i], p[j]);
        double[] sorted = d.clone();
        Arrays.sort(sorted);
        double t = sorted[count - 1];
        int[] out = new int[count];
        int n = 0;
        for (int j = 0; j < m; j++) if (d[j] < t) out[n++] = j;
        for (int j = 0; j < m && n < count; j++) if (d[j] == t) out[n++] = j;
        return out;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) s += (a[c] - b[c]) * (a[c] - b[c]);
        return Math.sqrt(s);
    }

    /**
     * Per conformation, the particle whose latent is nearest (Euclidean) to the mean latent of that conformation's
     * particles: where CryoBench's per-conformation FSC generates each conformation's map
     * ({@code metrics/fsc/utils/conformations.py get_nearest_z_array} with cryoDRGN's {@code analysis.get_nearest_point};
     * CryoBench takes each conformation's particles as consecutive blocks of the data set, we take them from the labels).
     * Only rows with {@code use[row]} (null: all) count. Returns conformation → row, in conformation order; ties: the
     * lower row.
     */
    public static Map<Integer, Integer> nearestToMean(double[][] z, int[] label, boolean[] use) {
        TreeMap<Integer, double[]> sum = new TreeMap<>();
        Map<Integer, Integer> count = new TreeMap<>();
        for (int i = 0; i < z.length; i++) {
            if (use != null && !use[i]) continue;
            double[] s = sum.computeIfAbsent(label[i], l -> new double[z[0].length]);
            for (int c = 0; c < s.length; c++) s[c] += z[i][c];
            count.merge(label[i], 1, Integer::sum);
        }
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (var e : sum.entrySet()) {
            double[] mean = e.getValue().clone();
            for (int c = 0; c < mean.length; c++) mean[c] /= count.get(e.getKey());
            int best = -1;
            double bd = Double.POSITIVE_INFINITY;
            for (int i = 0; i < z.length; i++) {
                if ((use != null && !use[i]) || label[i] != e.getKey()) continue;
                double d = distance(z[i], mean);
                if (d < bd) { bd = d; best = i; }
            }
            out.put(e.getKey(), best);
        }
        return out;
    }
}
