package dev.cryosphere.core.geometry;

import java.util.Random;

/**
 * Rotation helpers: rotation vectors (axis × angle, radians), unit quaternions (w, x, y, z), row-major 3×3 matrices.
 * All rotations are active: {@code apply(R, x)} = R x.
 */
public final class Rotations {
    private Rotations() {}

    /** Rodrigues: matrix of the rotation by |v| radians about v/|v|. */
    public static double[] fromRotationVector(double vx, double vy, double vz) {
        double theta = Math.sqrt(vx * vx + vy * vy + vz * vz);
        if (theta < 1e-12) {
            // first order, exact enough below 1e-12 rad
            return new double[]{1, -vz, vy, vz, 1, -vx, -vy, vx, 1};
        }
        return fromAxisAngle(vx / theta, vy / theta, vz / theta, theta);
    }

    /** Matrix of the rotation by {@code angle} radians about the unit axis (x, y, z). */
    public static double[] fromAxisAngle(double x, double y, double z, double angle) {
        double c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
        return new double[]{
                t * x * x + c, t * x * y - s * z, t * x * z + s * y,
                t * x * y + s * z, t * y * y + c, t * y * z - s * x,
                t * x * z - s * y, t * y * z + s * x, t * z * z + c};
    }

    /** Rotation vector (axis × angle in [0, π]) of a rotation matrix. */
    public static double[] toRotationVector(double[] m) {
        double[] q = toQuaternion(m);
        return quaternionToRotationVector(q);
    }

    /** Unit quaternion (w, x, y, z), w ≥ 0, of a rotation matrix (Shepperd's method, stable for all angles). */
    public static double[] toQuaternion(double[] m) {
        double tr = m[0] + m[4] + m[8];
        double w, x, y, z;
        if (tr > 0) {
            double s = Math.sqrt(tr + 1.0) * 2;
            w = 0.25 * s; x = (m[7] - m[5]) / s; y = (m[2] - m[6]) / s; z = (m[3] - m[1]) / s;
        } else if (m[0] > m[4] && m[0] > m[8]) {
            double s = Math.sqrt(1.0 + m[0] - m[4] - m[8]) * 2;
            w = (m[7] - m[5]) / s; x = 0.25 * s; y = (m[1] + m[3]) / s; z = (m[2] + m[6]) / s;
        } else if (m[4] > m[8]) {
            double s = Math.sqrt(1.0 + m[4] - m[0] - m[8]) * 2;
            w = (m[2] - m[6]) / s; x = (m[1] + m[3]) / s; y = 0.25 * s; z = (m[5] + m[7]) / s;
        } else {
            double s = Math.sqrt(1.0 + m[8] - m[0] - m[4]) * 2;
            w = (m[3] - m[1]) / s; x = (m[2] + m[6]) / s; y = (m[5] + m[7]) / s; z = 0.25 * s;
        }
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        double sign = w < 0 ? -1 : 1;
        return new double[]{sign * w / n, sign * x / n, sign * y / n, sign * z / n};
    }

    /** Matrix of a quaternion (w, x, y, z); the quaternion need not be normalised (scale-invariant). */
    public static double[] fromQuaternion(double[] q) {
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
        return new double[]{
                1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }

    /** Rotation vector of a quaternion (w, x, y, z), not necessarily normalised; angle in [0, π]. */
    public static double[] quaternionToRotationVector(double[] q) {
        double w = q[0], x = q[1], y = q[2], z = q[3];
        if (w < 0) { w = -w; x = -x; y = -y; z = -z; }
        double vn = Math.sqrt(x * x + y * y + z * z);
        if (vn < 1e-300) return new double[]{0, 0, 0};
        double angle = 2 * Math.atan2(vn, w);
        return new double[]{x / vn * angle, y / vn * angle, z / vn * angle};
    }

    public static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
        return c;
    }

    public static double[] transpose(double[] m) {
        return new double[]{m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
    }

    /** R x for a 3-vector x. */
    public static double[] apply(double[] m, double[] x) {
        return new double[]{
                m[0] * x[0] + m[1] * x[1] + m[2] * x[2],
                m[3] * x[0] + m[4] * x[1] + m[5] * x[2],
                m[6] * x[0] + m[7] * x[1] + m[8] * x[2]};
    }

    /** A rotation drawn uniformly on SO(3) (Haar measure), via a uniformly random unit quaternion (Shoemake). */
    public static double[] uniform(Random rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble(), u3 = rng.nextDouble();
        double a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
        double[] q = {b * Math.cos(2 * Math.PI * u3), a * Math.sin(2 * Math.PI * u2), a * Math.cos(2 * Math.PI * u2),
                b * Math.sin(2 * Math.PI * u3)};
        return fromQuaternion(q);
    }
}
