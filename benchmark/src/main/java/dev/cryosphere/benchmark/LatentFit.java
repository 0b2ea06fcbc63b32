package dev.cryosphere.benchmark;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * How much of a true motion parameter the latent space holds linearly: R² of the least-squares fit (with intercept)
 * from the latent means to the parameter. Unlike the rank correlation with PC1, it scores a latent that holds two
 * independent angles along any two directions (issue 14: R² ≥ 0.8 for each angle of a two-hinge set).
 */
public final class LatentFit {
    private LatentFit() {}

    /** R² of y on the rows of z (one row per particle); NaN when y has no variance. */
    public static double rSquared(double[][] z, double[] y) {
        if (z.length != y.length) throw new IllegalArgumentException(z.length + " latents, " + y.length + " values");
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(y.clone(), z);
        return ols.calculateRSquared();
    }
}
