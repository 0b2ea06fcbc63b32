package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.geometry.ImageGrid;

/**
 * The 3-D counterpart of {@link GaussianRenderer}: one isotropic Gaussian per residue, amplitude A_r, width sigma (Å),
 * unnormalised and sampled at voxel centres, on the same grid (voxel N/2 at 0 on each axis), so that projecting the
 * volume along z gives the renderer's image up to sampling. The map's origin is −(N/2)·apix, so it overlays the
 * structure in ChimeraX.
 */
public final class GaussianVolume {
    private GaussianVolume() {}

    public static Volume render(double[] xyz, double[] amplitudes, int n, double apix, double sigma) {
        if (n <= 0 || !(apix > 0) || !(sigma > 0)) throw new IllegalArgumentException("box, pixel size and sigma must be positive");
        double[] axis = ImageGrid.axis(n, apix);
        double inv2s2 = 1.0 / (2 * sigma * sigma), cutoff = 6 * sigma;
        double[] v = new double[n * n * n];
        double[] gx = new double[n], gy = new double[n], gz = new double[n];
        for (int r = 0; r < amplitudes.length; r++) {
            double px = xyz[3 * r], py = xyz[3 * r + 1], pz = xyz[3 * r + 2];
            int[] bx = span(px, cutoff, apix, n), by = span(py, cutoff, apix, n), bz = span(pz, cutoff, apix, n);
            if (bx == null || by == null || bz == null) continue;
            for (int i = bx[0]; i <= bx[1]; i++) { double d = axis[i] - px; gx[i] = Math.exp(-d * d * inv2s2); }
            for (int i = by[0]; i <= by[1]; i++) { double d = axis[i] - py; gy[i] = Math.exp(-d * d * inv2s2); }
            for (int i = bz[0]; i <= bz[1]; i++) { double d = axis[i] - pz; gz[i] = amplitudes[r] * Math.exp(-d * d * inv2s2); }
            for (int z = bz[0]; z <= bz[1]; z++)
                for (int y = by[0]; y <= by[1]; y++) {
                    double gzy = gz[z] * gy[y];
                    int row = (z * n + y) * n;
                    for (int x = bx[0]; x <= bx[1]; x++) v[row + x] += gzy * gx[x];
                }
        }
        float[] data = new float[v.length];
        for (int i = 0; i < v.length; i++) data[i] = (float) v[i];
        return Volume.centred(data, n, apix);
    }

    private static int[] span(double p, double cutoff, double apix, int n) {
        int lo = Math.max(0, (int) Math.floor((p - cutoff) / apix) + n / 2);
        int hi = Math.min(n - 1, (int) Math.ceil((p + cutoff) / apix) + n / 2);
        return lo > hi ? null : new int[]{lo, hi};
    }
}
