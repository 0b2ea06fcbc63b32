package dev.cryosphere.evaluate.stats;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class StatsTest {
    @Test
    void jacobiReconstructsASymmetricMatrix() {
        Random r = new Random(1);
        int n = 12;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = i; j < n; j++) a[i][j] = a[j][i] = r.nextGaussian();
        SymmetricEigen.Result e = SymmetricEigen.of(a);
        for (int k = 1; k < n; k++) assertTrue(e.values()[k - 1] >= e.values()[k]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += e.values()[k] * e.vectors()[k][i] * e.vectors()[k][j];
                assertEquals(a[i][j], s, 1e-10);
            }
    }

    @Test
    void pcaFindsTheDirectionOfLargestVarianceAndTraversesItsPercentiles() {
        Random r = new Random(2);
        double[][] z = new double[2000][3];
        double[] dir = {0.6, 0.8, 0};
        for (double[] row : z) {
            double t = 5 * r.nextGaussian();
            for (int d = 0; d < 3; d++) row[d] = 1 + t * dir[d] + 0.1 * r.nextGaussian();
        }
        Pca p = Pca.fit(z);
        assertEquals(0.6, Math.abs(p.component(0)[0]), 0.01);
        assertEquals(0.8, Math.abs(p.component(0)[1]), 0.01);
        assertTrue(p.explainedVarianceRatio()[0] > 0.99);
        int[] steps = p.traversal(z, 0, 5);
        double[][] proj = p.project(z);
        double[] pc1 = new double[z.length];
        for (int i = 0; i < z.length; i++) pc1[i] = proj[i][0];
        assertEquals(Pca.percentile(pc1, 5), proj[steps[0]][0], 0.3);
        assertEquals(Pca.percentile(pc1, 95), proj[steps[4]][0], 0.3);
        assertEquals(10.0, Pca.percentile(new double[]{0, 10, 20}, 50), 0);
    }

    @Test
    void kmeansIsSeededAndSeparatesClearClusters() {
        Random r = new Random(3);
        double[][] z = new double[300][2];
        for (int i = 0; i < z.length; i++) {
            int c = i % 3;
            z[i][0] = 10 * c + r.nextGaussian() * 0.3;
            z[i][1] = -5 * c + r.nextGaussian() * 0.3;
        }
        KMeans a = KMeans.fit(z, 3, 42), b = KMeans.fit(z, 3, 42);
        assertArrayEquals(a.assignment(), b.assignment());
        for (int i = 3; i < z.length; i++) assertEquals(a.assignment()[i % 3], a.assignment()[i], "row " + i);
        assertNotEquals(a.assignment()[0], a.assignment()[1]);
        assertNotEquals(a.assignment()[1], a.assignment()[2]);
    }
}
