package dev.cryosphere.evaluate.stats;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Eigen-decomposition of a small symmetric matrix (the latent covariance, at most 32×32) with commons-math3's
 * {@link EigenDecomposition}, ordered and signed so that results do not flip between runs or library versions.
 */
public final class SymmetricEigen {
    /** Eigenvalues in decreasing order; vectors[k] is the unit eigenvector of values[k]. */
    public record Result(double[] values, double[][] vectors) {}

    private SymmetricEigen() {}

    public static Result of(double[][] matrix) {
        int n = matrix.length;
        for (double[] row : matrix) if (row.length != n) throw new IllegalArgumentException("matrix must be square");
        // symmetrised exactly (commons-math checks symmetry to a relative tolerance only)
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i][j] = 0.5 * (matrix[i][j] + matrix[j][i]);
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(a, false));
        double[] raw = e.getRealEigenvalues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(raw[y], raw[x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = raw[order[k]];
            vectors[k] = e.getEigenvector(order[k]).unitVector().toArray();
            // sign convention: the largest component positive (the first of equal magnitudes)
            int big = 0;
            for (int i = 1; i < n; i++) if (Math.abs(vectors[k][i]) > Math.abs(vectors[k][big])) big = i;
            if (vectors[k][big] < 0) for (int i = 0; i < n; i++) vectors[k][i] = -vectors[k][i];
        }
        return new Result(values, vectors);
    }
}
