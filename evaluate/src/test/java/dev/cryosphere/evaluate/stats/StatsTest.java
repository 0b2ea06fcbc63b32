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

    @Test
    void eigenOfAHandSolvedMatrixFollowsTheSignConvention() {
        // [[2,1],[1,2]]: eigenvalues 3 and 1, eigenvectors (1,1)/√2 and (1,−1)/√2; the largest |component| positive,
        // the first of equal magnitudes
        SymmetricEigen.Result e = SymmetricEigen.of(new double[][]{{2, 1}, {1, 2}});
        double h = Math.sqrt(0.5);
        assertArrayEquals(new double[]{3, 1}, e.values(), 1e-14);
        assertArrayEquals(new double[]{h, h}, e.vectors()[0], 1e-14);
        assertArrayEquals(new double[]{h, -h}, e.vectors()[1], 1e-14);
        // diag(1, 4, 2): the axes in decreasing order, each +1
        e = SymmetricEigen.of(new double[][]{{1, 0, 0}, {0, 4, 0}, {0, 0, 2}});
        assertArrayEquals(new double[]{4, 2, 1}, e.values(), 1e-14);
        assertArrayEquals(new double[]{0, 1, 0}, e.vectors()[0], 1e-14);
        assertArrayEquals(new double[]{0, 0, 1}, e.vectors()[1], 1e-14);
        assertArrayEquals(new double[]{1, 0, 0}, e.vectors()[2], 1e-14);
    }

    @Test
    void eigenAgreesWithTheFormerJacobi() {
        Random r = new Random(6);
        for (int n : new int[]{1, 2, 3, 8, 16, 32}) {
            // covariance-like (positive semi-definite) matrices with distinct eigenvalues, as PCA gets them
            double[][] x = new double[4 * n + 5][n];
            for (double[] row : x) for (int d = 0; d < n; d++) row[d] = r.nextGaussian() * (1 + d);
            double[][] a = new double[n][n];
            for (double[] row : x)
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i][j] += row[i] * row[j] / x.length;
            SymmetricEigen.Result ours = SymmetricEigen.of(a);
            JacobiEigenReference.Result former = JacobiEigenReference.of(a);
            assertArrayEquals(former.values(), ours.values(), 1e-10 * former.values()[0], "n = " + n);
            for (int k = 0; k < n; k++) assertArrayEquals(former.vectors()[k], ours.vectors()[k], 1e-7, "n = " + n + ", vector " + k);
        }
    }

    @Test
    void kmeansOfAHandSolvedSetGivesTheMeansOfItsGroups() {
        // two groups far apart: centres are the group means, inertia the sum of squared deviations (1+1+1+1 = 4 per
        // group of four points at distance 1 from the mean)
        double[][] z = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}, {99, 0}, {101, 0}, {100, -1}, {100, 1}};
        KMeans km = KMeans.fit(z, 2, 7);
        int a = km.assignment()[0], b = km.assignment()[4];
        assertNotEquals(a, b);
        for (int i = 0; i < 4; i++) assertEquals(a, km.assignment()[i]);
        for (int i = 4; i < 8; i++) assertEquals(b, km.assignment()[i]);
        assertArrayEquals(new double[]{0, 0}, km.centres()[a], 1e-12);
        assertArrayEquals(new double[]{100, 0}, km.centres()[b], 1e-12);
        assertEquals(8.0, km.inertia(), 1e-9);
    }

    @Test
    void kmeansGivesTheSameClustersAndLabelsAsTheFormerCode() {
        Random r = new Random(7);
        for (int trial = 0; trial < 12; trial++) {
            int n = 200 + r.nextInt(800), l = 1 + r.nextInt(8), k = 2 + r.nextInt(6), groups = 1 + r.nextInt(6);
            double[][] centre = new double[groups][l];
            for (double[] c : centre) for (int d = 0; d < l; d++) c[d] = r.nextGaussian() * 3;
            double[][] z = new double[n][l];
            for (double[] row : z) {
                double[] c = centre[r.nextInt(groups)];
                for (int d = 0; d < l; d++) row[d] = c[d] + r.nextGaussian();
            }
            long seed = r.nextLong();
            KMeans ours = KMeans.fit(z, k, seed);
            KMeansReference former = KMeansReference.fit(z, k, seed, 10, 300);
            assertArrayEquals(former.assignment(), ours.assignment(), "trial " + trial);
            for (int j = 0; j < former.centres().length; j++) assertArrayEquals(former.centres()[j], ours.centres()[j], 1e-9);
            assertEquals(former.inertia(), ours.inertia(), 1e-9 * former.inertia());
        }
    }
}
