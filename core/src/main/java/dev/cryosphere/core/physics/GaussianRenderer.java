package dev.cryosphere.core.physics;

import dev.cryosphere.core.geometry.ImageGrid;
import dev.cryosphere.core.geometry.Rotations;

/**
 * CPU reference of the cryoSPHERE forward model; the training graph is tested against it.
 * <ul>
 *   <li>One isotropic Gaussian per residue: amplitude A_r (electrons), width sigma (Å, same for all residues),
 *       not normalised and sampled at pixel centres, as the reference does.</li>
 *   <li>Pose: x' = R x with R = RELION's A(rot, tilt, psi), then projection along z.</li>
 *   <li>Shift: the particle centre sits at image centre − origin (RELION rlnOriginX/YAngst).</li>
 *   <li>Grid: {@link ImageGrid}, pixel N/2 at 0; image row-major [y][x].</li>
 *   <li>CTF: {@link Ctf}, applied in Fourier space.</li>
 * </ul>
 * Evaluated separably: image[q][p] = Σ_r gx[r][p] · gy[r][q], O(R·N) exponentials and O(R·N²) multiply-adds.
 */
public final class GaussianRenderer {
    private final int n;
    private final double apix;
    private final double sigma;

    public GaussianRenderer(int box, double pixelSize, double sigma) {
        if (box <= 0) throw new IllegalArgumentException("box must be positive: " + box);
        if (!(pixelSize > 0)) throw new IllegalArgumentException("pixel size must be positive: " + pixelSize);
        if (!(sigma > 0)) throw new IllegalArgumentException("sigma must be positive: " + sigma);
        this.n = box;
        this.apix = pixelSize;
        this.sigma = sigma;
    }

    public int box() { return n; }

    public double pixelSize() { return apix; }

    public double sigma() { return sigma; }

    /**
     * Projection without CTF.
     *
     * @param xyz        residue coordinates (Å, flat x0,y0,z0,...), in the box-centred model frame
     * @param amplitudes per-residue amplitudes
     * @param rotation   RELION A matrix (row-major), applied to the atoms
     * @param originX    RELION rlnOriginXAngst (Å)
     * @param originY    RELION rlnOriginYAngst (Å)
     */
    public float[] project(double[] xyz, double[] amplitudes, double[] rotation, double originX, double originY) {
        int r = amplitudes.length;
        if (xyz.length != 3 * r) throw new IllegalArgumentException("coordinates and amplitudes disagree");
        double[] axis = ImageGrid.axis(n, apix);
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        // Gaussians farther than 6 sigma from a pixel contribute < 1e-7 of their peak: skip them.
        double cutoff = 6 * sigma;
        double[] img = new double[n * n];
        double[] gx = new double[n], gy = new double[n];
        for (int i = 0; i < r; i++) {
            double[] p = Rotations.apply(rotation, new double[]{xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]});
            double px = p[0] - originX, py = p[1] - originY;
            int x0 = Math.max(0, (int) Math.floor((px - cutoff) / apix) + n / 2);
            int x1 = Math.min(n - 1, (int) Math.ceil((px + cutoff) / apix) + n / 2);
            int y0 = Math.max(0, (int) Math.floor((py - cutoff) / apix) + n / 2);
            int y1 = Math.min(n - 1, (int) Math.ceil((py + cutoff) / apix) + n / 2);
            if (x0 > x1 || y0 > y1) continue;
            double a = amplitudes[i];
            for (int x = x0; x <= x1; x++) { double d = axis[x] - px; gx[x] = Math.exp(-d * d * inv2s2); }
            for (int y = y0; y <= y1; y++) { double d = axis[y] - py; gy[y] = a * Math.exp(-d * d * inv2s2); }
            for (int y = y0; y <= y1; y++) {
                double gyv = gy[y];
                int row = y * n;
                for (int x = x0; x <= x1; x++) img[row + x] += gyv * gx[x];
            }
        }
        float[] out = new float[n * n];
        for (int i = 0; i < out.length; i++) out[i] = (float) img[i];
        return out;
    }

    /** Projection with the CTF applied (null ctf = no CTF). */
    public float[] render(double[] xyz, double[] amplitudes, double[] rotation, double originX, double originY,
                          CtfParams ctf) {
        float[] proj = project(xyz, amplitudes, rotation, originX, originY);
        return ctf == null ? proj : new Ctf(ctf).apply(proj, n, apix);
    }
}
