package dev.cryosphere.benchmark;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@link LatentMetrics} against hand-computed cases and a numpy re-implementation of CryoBench's neighbourhood similarity. */
class LatentMetricsTest {
    @TempDir
    Path dir;

    private static double[][] column(double... v) {
        double[][] p = new double[v.length][];
        for (int i = 0; i < v.length; i++) p[i] = new double[]{v[i]};
        return p;
    }

    /** The same points, or an affine map of them: every neighbourhood matches, hits = k + 1, score (k+1)/k. */
    @Test
    void identicalNeighbourhoodsScoreKPlusOneOverK() {
        Random r = new Random(1);
        double[][] t = new double[50][], z = new double[50][];
        for (int i = 0; i < 50; i++) {
            t[i] = new double[]{r.nextDouble(), r.nextDouble()};
            z[i] = new double[]{3 * t[i][0] + 1, 3 * t[i][1] - 2};
        }
        LatentMetrics.Similarity s = LatentMetrics.neighbourhoodSimilarity(t, z, 0.2, 5);
        assertEquals(10, s.subsetSize());
        assertEquals(2, s.k());
        assertEquals(1.5, s.mean(), 1e-12);
        assertEquals(0, s.std(), 1e-12);
    }

    /**
     * By hand, k = 1 (self and nearest; ties to the lower index), one subset. Truth 0,1,2,3: neighbourhoods {0,1},
     * {1,0}, {2,1}, {3,2}. Latent 0,1,3,2: {0,1}, {1,0}, {2,3}, {3,1}. Hits 2, 2, 1, 1: mean 1.5, / k = 1.5.
     */
    @Test
    void aHandComputedSwap() {
        LatentMetrics.Similarity s = LatentMetrics.neighbourhoodSimilarity(column(0, 1, 2, 3), column(0, 1, 3, 2), 0.25, 1);
        assertEquals(1, s.k());
        assertEquals(1.5, s.mean(), 1e-12);
        assertArrayEquals(new int[]{1, 0}, LatentMetrics.neighbours(column(0, 1, 2, 3), 1, 2));
    }

    /** Conformation 0: rows 0-2 at 0, 1, 5 (mean 2: row 1); conformation 1: 10, 11, 30 (mean 17: row 4). */
    @Test
    void nearestToTheMeanLatentPerConformation() {
        double[][] z = column(0, 1, 5, 10, 11, 30);
        int[] label = {0, 0, 0, 1, 1, 1};
        assertEquals(Map.of(0, 1, 1, 4), LatentMetrics.nearestToMean(z, label, null));
        // without row 1: conformation 0's mean is 2.5 and row 2 (5) is farther than row 0 (0): 2.5 vs 2.5, the lower row
        assertEquals(Map.of(0, 0, 1, 4), LatentMetrics.nearestToMean(z, label, new boolean[]{true, false, true, true, true, true}));
    }

    private static final String ORACLE = """
            import sys, numpy as np
            t = np.loadtxt(sys.argv[1], ndmin=2); z = np.loadtxt(sys.argv[2], ndmin=2); k = int(sys.argv[3])
            # CryoBench cal_neighb_hit_werror.py compare_points_index / calculate_neigh_hits_k, numpy instead of jax
            def hits(p1, p2):
                out = []
                for i in range(len(p1)):
                    r1 = np.argsort(np.argsort(np.linalg.norm(p1 - p1[i], axis=1), kind='stable'), kind='stable') < k + 1
                    r2 = np.argsort(np.argsort(np.linalg.norm(p2 - p2[i], axis=1), kind='stable'), kind='stable') < k + 1
                    out.append(np.sum(r1.astype(int) * r2.astype(int)))
                return np.mean(out)
            y = np.array([hits(t[s::5], z[s::5]) for s in range(5)])
            print(repr(float((y / k).mean())), repr(float((y / k).std())))  # make_plot.py: y / x
            """;

    private double[] oracle(double[][] t, double[][] z, int k) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("t.txt"), rows(t));
        Files.writeString(dir.resolve("z.txt"), rows(z));
        Files.writeString(dir.resolve("o.py"), ORACLE);
        Process p;
        try {
            p = new ProcessBuilder("python3", dir.resolve("o.py").toString(), dir.resolve("t.txt").toString(),
                    dir.resolve("z.txt").toString(), String.valueOf(k)).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 not available: " + e.getMessage());
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        Assumptions.assumeFalse(out.contains("ModuleNotFoundError"), "numpy missing: " + out);
        assertEquals(0, p.exitValue(), out);
        String[] f = out.trim().split("\\s+");
        return new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[1])};
    }

    private static String rows(double[][] p) {
        StringBuilder sb = new StringBuilder();
        for (double[] r : p) {
            for (int c = 0; c < r.length; c++) sb.append(c == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.17g", r[c]));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A noisy 3-D latent of a 1-D truth, 203 points (subsets of 41 and 40), radius 10 %: k = 4. */
    @Test
    void matchesANumpyReimplementationOfCryoBench() throws Exception {
        Random r = new Random(7);
        int n = 203;
        double[][] t = new double[n][], z = new double[n][], tied = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = r.nextDouble() * 40 - 20;
            t[i] = new double[]{a};
            z[i] = new double[]{a / 10 + 0.5 * r.nextGaussian(), Math.sin(a / 7) + 0.3 * r.nextGaussian(), 0.2 * r.nextGaussian()};
            tied[i] = new double[]{Math.floor(a / 4)};   // 10 values: most distances tie, the order decides
        }
        LatentMetrics.Similarity s = LatentMetrics.neighbourhoodSimilarity(t, z, 0.1, 5);
        assertEquals(4, s.k());
        double[] o = oracle(t, z, 4);
        assertEquals(o[0], s.mean(), 1e-12);
        assertEquals(o[1], s.std(), 1e-12);
        assertTrue(s.mean() > 0.3 && s.mean() < 1.2, "an informative case: " + s.mean());
        LatentMetrics.Similarity st = LatentMetrics.neighbourhoodSimilarity(tied, z, 0.1, 5);
        double[] ot = oracle(tied, z, 4);
        assertEquals(ot[0], st.mean(), 1e-12);
        assertEquals(ot[1], st.std(), 1e-12);
    }
}
