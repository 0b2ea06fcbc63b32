package dev.cryosphere.trainer.model;

/**
 * Plain-Java rigid-body deformation of the base structure (double precision), the reference for the SameDiff
 * layer and the decoder of structures after training.
 *
 * <p>Decoder output per segment k: six numbers, translation t_k (Å) then v_k, the vector part of the
 * unnormalised quaternion (1, v_k). Its rotation has axis v/|v| and angle θ_k = 2·atan|v_k| ∈ [0, π).
 * Residue r is rotated about the box origin successively by the segments' axis-angles w_rk θ_k axis_k,
 * segment 0 first, then translated by Σ_k w_rk t_k (reference model/utils.py deform_structure).
 */
public final class Deformation {
    private Deformation() {}

    /**
     * @param xyz     base coordinates, flat x, y, z per residue (Å)
     * @param weights [residue][segment] segmentation weights
     * @param decoded decoder output, 6 per segment (t_x, t_y, t_z, v_x, v_y, v_z)
     * @return deformed coordinates, flat
     */
    public static double[] apply(double[] xyz, double[][] weights, double[] decoded) {
        int r = xyz.length / 3;
        int k = decoded.length / 6;
        double[] out = new double[xyz.length];
        for (int i = 0; i < r; i++) {
            double x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
            double tx = 0, ty = 0, tz = 0;
            for (int s = 0; s < k; s++) {
                double w = weights[i][s];
                double vx = decoded[6 * s + 3], vy = decoded[6 * s + 4], vz = decoded[6 * s + 5];
                double n = Math.sqrt(vx * vx + vy * vy + vz * vz);
                if (n > 0 && w != 0) {
                    double ax = vx / n, ay = vy / n, az = vz / n;
                    double phi = w * 2 * Math.atan(n);
                    double c = Math.cos(phi), sn = Math.sin(phi);
                    double dot = ax * x + ay * y + az * z;
                    double cx = ay * z - az * y, cy = az * x - ax * z, cz = ax * y - ay * x;
                    double nx = x * c + cx * sn + ax * dot * (1 - c);
                    double ny = y * c + cy * sn + ay * dot * (1 - c);
                    double nz = z * c + cz * sn + az * dot * (1 - c);
                    x = nx; y = ny; z = nz;
                }
                tx += w * decoded[6 * s];
                ty += w * decoded[6 * s + 1];
                tz += w * decoded[6 * s + 2];
            }
            out[3 * i] = x + tx;
            out[3 * i + 1] = y + ty;
            out[3 * i + 2] = z + tz;
        }
        return out;
    }
}
