package dev.cryosphere.evaluate.stats;

/**
 * PCA of the latent means through their L×L covariance (n−1 denominator), as sklearn's PCA on the latents in the
 * reference's analysis. The covariance is accumulated from per-row sums so that it can come from Spark partitions.
 */
public final class Pca {
    private final double[] mean;
    private final SymmetricEigen.Result eigen;

    private Pca(double[] mean, SymmetricEigen.Result eigen) {
        this.mean = mean;
        this.eigen = eigen;
    }

    public static Pca fit(double[][] z) {
        int n = z.length, l = z[0].length;
        double[] mean = new double[l];
        for (double[] r : z) for (int d = 0; d < l; d++) mean[d] += r[d] / n;
        double[][] cov = new double[l][l];
        for (double[] r : z)
            for (int i = 0; i < l; i++)
                for (int j = i; j < l; j++) cov[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]);
        for (int i = 0; i < l; i++)
            for (int j = i; j < l; j++) {
                cov[i][j] /= Math.max(1, n - 1);
                cov[j][i] = cov[i][j];
            }
        return new Pca(mean, SymmetricEigen.of(cov));
    }

    public double[] mean() { return mean.clone(); }

    /** Variance along each component, decreasing. */
    public double[] explainedVariance() {
        double[] v = eigen.values().clone();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]);
        return v;
    }

    public double[] explainedVarianceRatio() {
        double[] v = explainedVariance();
        double total = 0;
        for (double x : v) total += x;
        for (int i = 0; i < v.length; i++) v[i] = total > 0 ? v[i] / total : 0;
        return v;
    }

    /** Unit vector of component k. */
    public double[] component(int k) { return eigen.vectors()[k].clone(); }

    /** Coordinates of each latent along each component. */
    public double[][] project(double[][] z) {
        int l = mean.length;
        double[][] out = new double[z.length][l];
        for (int i = 0; i < z.length; i++)
            for (int k = 0; k < l; k++) {
                double s = 0;
                for (int d = 0; d < l; d++) s += (z[i][d] - mean[d]) * eigen.vectors()[k][d];
                out[i][k] = s;
            }
        return out;
    }

    /**
     * Traversal along component k: {@code steps} points evenly spaced from the 5th to the 95th percentile of the
     * projections, each snapped to the nearest real latent (Euclidean, in latent space) as the reference does, so that
     * every structure shown is one the model produced for some particle. Returns the row indices of those latents.
     */
    public int[] traversal(double[][] z, int k, int steps) {
        double[][] proj = project(z);
        double[] pk = new double[z.length];
        for (int i = 0; i < z.length; i++) pk[i] = proj[i][k];
        double lo = percentile(pk, 5), hi = percentile(pk, 95);
        int[] out = new int[steps];
        for (int s = 0; s < steps; s++) {
            double t = steps == 1 ? (lo + hi) / 2 : lo + (hi - lo) * s / (steps - 1);
            double[] point = new double[mean.length];
            for (int d = 0; d < mean.length; d++) point[d] = mean[d] + t * eigen.vectors()[k][d];
            out[s] = Nearest.index(z, point);
        }
        return out;
    }

    /** Linear-interpolated percentile (numpy's default). */
    public static double percentile(double[] values, double q) {
        double[] s = values.clone();
        java.util.Arrays.sort(s);
        double pos = q / 100.0 * (s.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= s.length - 1) return s[s.length - 1];
        return s[i] + (pos - i) * (s[i + 1] - s[i]);
    }
}
