package dev.cryosphere.evaluate.stats;

/**
 * The project's former eigen-decomposition (cyclic Jacobi rotations, same ordering and sign convention), kept as a
 * reference for {@link SymmetricEigen}, which now calls commons-math3: {@code StatsTest} checks that both agree.
 */
final class JacobiEigenReference {
    /** Eigenvalues in decreasing order; vectors[k] is the unit eigenvector of values[k]. */
    record Result(double[] values, double[][] vectors) {}

    private JacobiEigenReference() {}

    static Result of(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) throw new IllegalArgumentException("matrix must be square");
            a[i] = matrix[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, scale = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    if (i != j) off += a[i][j] * a[i][j];
                    scale += a[i][j] * a[i][j];
                }
            if (off <= 1e-30 * Math.max(scale, 1e-300)) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++) rotate(a, v, p, q);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) vectors[k][i] = v[i][order[k]];
            // sign convention: the largest component positive, so that results do not flip between runs
            int big = 0;
            for (int i = 1; i < n; i++) if (Math.abs(vectors[k][i]) > Math.abs(vectors[k][big])) big = i;
            if (vectors[k][big] < 0) for (int i = 0; i < n; i++) vectors[k][i] = -vectors[k][i];
        }
        return new Result(values, vectors);
    }

    private static void rotate(double[][] a, double[][] v, int p, int q) {
        if (a[p][q] == 0) return;
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.sqrt(t * t + 1), s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
