package dev.cryosphere.evaluate.stats;

import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.AbstractRandomGenerator;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded k-means on the latent means: commons-math3's {@link KMeansPlusPlusClusterer} (k-means++ initialisation, then
 * Lloyd), restarted several times and keeping the lowest inertia, as sklearn's KMeans (n_init) that the reference uses.
 * The same seed gives the same clusters: restart r draws from the r-th split of a {@link SplittableRandom} seeded
 * with {@code seed}. Cluster j is the j-th centre k-means++ picked (the label order downstream: clusters.csv, the
 * report, {@code select --where 'cluster == j'}).
 *
 * @param centres    [k][L]
 * @param assignment cluster of each row
 * @param inertia    sum of squared distances to the assigned centres
 */
public record KMeans(double[][] centres, int[] assignment, double inertia) {

    public static KMeans fit(double[][] z, int k, long seed) { return fit(z, k, seed, 10, 300); }

    public static KMeans fit(double[][] z, int k, long seed, int restarts, int maxIterations) {
        if (z.length == 0) throw new IllegalArgumentException("no points to cluster");
        int kk = Math.min(k, z.length);
        List<DoublePoint> points = new ArrayList<>(z.length);
        for (double[] row : z) points.add(new DoublePoint(row));
        SplittableRandom rng = new SplittableRandom(seed);
        KMeans best = null;
        for (int r = 0; r < restarts; r++) {
            KMeansPlusPlusClusterer<DoublePoint> c = new KMeansPlusPlusClusterer<>(kk, maxIterations,
                    new EuclideanDistance(), new Stream(rng.split()), KMeansPlusPlusClusterer.EmptyClusterStrategy.FARTHEST_POINT);
            KMeans run = of(z, points, c.cluster(points));
            if (best == null || run.inertia < best.inertia) best = run;
        }
        return best;
    }

    private static KMeans of(double[][] z, List<DoublePoint> points, List<CentroidCluster<DoublePoint>> clusters) {
        Map<DoublePoint, Integer> row = new IdentityHashMap<>();
        for (int i = 0; i < points.size(); i++) row.put(points.get(i), i);
        double[][] centres = new double[clusters.size()][];
        int[] assign = new int[z.length];
        for (int j = 0; j < clusters.size(); j++) {
            centres[j] = clusters.get(j).getCenter().getPoint().clone();
            for (DoublePoint p : clusters.get(j).getPoints()) assign[row.get(p)] = j;
        }
        double inertia = 0;
        for (int i = 0; i < z.length; i++) inertia += Nearest.distance2(z[i], centres[assign[i]]);
        return new KMeans(centres, assign, inertia);
    }

    /** commons-math's random source over a SplittableRandom (nextInt(n) and nextDouble() as SplittableRandom's). */
    private static final class Stream extends AbstractRandomGenerator {
        private final SplittableRandom r;

        Stream(SplittableRandom r) { this.r = r; }

        @Override
        public double nextDouble() { return r.nextDouble(); }

        @Override
        public int nextInt(int n) { return r.nextInt(n); }

        @Override
        public void setSeed(long seed) { throw new UnsupportedOperationException("seeded at construction"); }
    }
}
