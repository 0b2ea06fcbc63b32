package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.stats.KMeans;
import dev.cryosphere.evaluate.stats.Nearest;
import dev.cryosphere.evaluate.stats.Pca;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Driver-side analysis of the collected latents (N×L numbers): PCA with traversals along the first PCs, and seeded
 * k-means whose centres are snapped to the nearest real latent, like the traversal points, so that every structure
 * shown is the model's structure for an actual particle.
 */
public record Analysis(long[] particles, double[][] z, Pca pca, double[][] projection, KMeans kmeans, int[][] traversals, int[] centreRows) {

    public static Analysis of(List<ParticleResult> rows, int pcs, int steps, int k, long seed) {
        double[][] z = rows.stream().map(ParticleResult::z).toArray(double[][]::new);
        Pca pca = Pca.fit(z);
        int n = Math.min(pcs, z[0].length);
        int[][] traversals = new int[n][];
        for (int c = 0; c < n; c++) traversals[c] = pca.traversal(z, c, steps);
        KMeans km = KMeans.fit(z, k, seed);
        int[] centres = new int[km.centres().length];
        for (int j = 0; j < centres.length; j++) centres[j] = Nearest.index(z, km.centres()[j]);
        return new Analysis(rows.stream().mapToLong(ParticleResult::index).toArray(), z, pca, pca.project(z), km, traversals, centres);
    }

    public int clusters() { return centreRows.length; }

    public int latentDim() { return z[0].length; }

    /** Every particle's coordinate along principal component k (0-based); zeros where the latent has fewer. */
    public double[] pc(int k) {
        double[] v = new double[projection.length];
        if (k < latentDim()) for (int i = 0; i < v.length; i++) v[i] = projection[i][k];
        return v;
    }

    public static String traversalName(int pc, int step) { return String.format(Locale.ROOT, "traversals/pc%d_%02d", pc + 1, step); }

    public static String clusterName(int j) { return String.format(Locale.ROOT, "clusters/cluster_%02d", j); }

    /** The latent points whose structures and maps are written (traversal steps, then cluster centres). */
    public List<LatentPoint> points() {
        List<LatentPoint> out = new ArrayList<>();
        for (int c = 0; c < traversals.length; c++)
            for (int s = 0; s < traversals[c].length; s++) out.add(new LatentPoint(traversalName(c, s), particles[traversals[c][s]], z[traversals[c][s]]));
        for (int j = 0; j < centreRows.length; j++) out.add(new LatentPoint(clusterName(j), particles[centreRows[j]], z[centreRows[j]]));
        return out;
    }

    /** clusters/cluster_NN.star (and .cs) with the particles of each cluster. */
    public void exportClusters(ParticleExport export, Path dir, List<ParticleResult> rows) {
        for (int j = 0; j < clusters(); j++) {
            List<Long> idx = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) if (kmeans.assignment()[i] == j) idx.add(rows.get(i).index());
            if (idx.isEmpty()) continue;
            export.write(dir.resolve(String.format(Locale.ROOT, "cluster_%02d", j)), idx.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
