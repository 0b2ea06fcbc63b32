package dev.cryosphere.benchmark;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** R² of the latent fit against analytic cases. */
class LatentFitTest {
    @Test
    void oneRegressorGivesTheSquaredPearsonCorrelation() {
        // x = 0..3, y = 1, 3, 2, 4: cov 4, var x 5, var y 5 (sums) -> r = 0.8, R² = 0.64
        assertEquals(0.64, LatentFit.rSquared(new double[][]{{0}, {1}, {2}, {3}}, new double[]{1, 3, 2, 4}), 1e-12);
    }

    @Test
    void anExactLinearFunctionOfTwoDimensionsIsFitExactly() {
        Random rng = new Random(4);
        double[][] z = new double[50][3];
        double[] y = new double[50];
        for (int i = 0; i < 50; i++) {
            for (int j = 0; j < 3; j++) z[i][j] = rng.nextGaussian();
            y[i] = 2 * z[i][0] - z[i][2] + 3;
        }
        assertEquals(1.0, LatentFit.rSquared(z, y), 1e-12);
        // the same angle seen through only the unrelated dimension: nothing of it is there
        double[][] unrelated = new double[50][1];
        for (int i = 0; i < 50; i++) unrelated[i][0] = z[i][1];
        assertEquals(0.0, LatentFit.rSquared(unrelated, y), 0.1);
    }
}
