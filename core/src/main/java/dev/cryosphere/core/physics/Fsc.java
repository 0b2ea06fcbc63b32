package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;

/**
 * Fourier shell correlation between two cubic maps of the same size and pixel size, following RELION
 * ({@code getFSC} in src/fftw.cpp, as printed by {@code relion_image_handler --fsc}):
 * <ul>
 *   <li>an optional real-space mask is multiplied into both maps first (no other apodisation or padding);</li>
 *   <li>Fourier component with integer frequency index (kx, ky, kz) (cycles per box) goes to shell
 *       i = round(|k|); shells i = 0 … N/2 are kept, components beyond N/2 dropped;</li>
 *   <li>as in RELION, sums run over the half-transform kx ≥ 0 (the Hermitian half of a real map);</li>
 *   <li>FSC(i) = Re Σ F₁·conj(F₂) / √(Σ|F₁|² · Σ|F₂|²) over the shell;</li>
 *   <li>shell i has spatial frequency i / (N · pixelSize) in 1/Å, resolution N · pixelSize / i in Å
 *       (shell 0 is reported as frequency 0, resolution infinity);</li>
 *   <li>{@link Curve#resolutionAt} gives the resolution in Å where the curve first drops below a
 *       threshold (e.g. 0.143 or 0.5), by linear interpolation in 1/Å between the last shell at or
 *       above the threshold and the first shell below it.</li>
 * </ul>
 */
public final class Fsc {
    private Fsc() {}

    /**
     * FSC per shell.
     *
     * @param frequency 1/Å per shell
     * @param fsc       correlation per shell (NaN for an empty or all-zero shell)
     */
    public record Curve(double[] frequency, double[] fsc, int boxSize, double pixelSize) {
        public int shells() { return fsc.length; }

        /** Resolution of shell i in Å (infinite for shell 0). */
        public double resolutionAngstrom(int i) { return 1.0 / frequency[i]; }

        /**
         * Resolution in Å at the first crossing below {@code threshold} (searching from shell 1),
         * interpolated linearly in 1/Å. If the curve never drops below it, the Nyquist resolution
         * 2·pixelSize is returned (the best this box can claim).
         */
        public double resolutionAt(double threshold) {
            for (int i = 1; i < fsc.length; i++) {
                if (fsc[i] < threshold) {
                    double f0 = frequency[i - 1], f1 = frequency[i], c0 = fsc[i - 1], c1 = fsc[i];
                    double f = f0 + (c0 - threshold) / (c0 - c1) * (f1 - f0);
                    return 1.0 / f;
                }
            }
            return 1.0 / frequency[fsc.length - 1];
        }
    }

    public static Curve compute(Volume a, Volume b) { return compute(a, b, null); }

    /** FSC of {@code a} and {@code b}, each multiplied by {@code mask} (same shape) first when it is not null. */
    public static Curve compute(Volume a, Volume b, float[] mask) {
        if (!a.isCube() || a.nx() != b.nx() || !b.isCube())
            throw new IllegalArgumentException("FSC needs two cubic maps of the same size, got " + a.nx() + "x" + a.ny()
                    + "x" + a.nz() + " and " + b.nx() + "x" + b.ny() + "x" + b.nz());
        if (Math.abs(a.pixelSize() - b.pixelSize()) > 1e-4 * Math.max(a.pixelSize(), b.pixelSize()))
            throw new IllegalArgumentException("pixel sizes differ: " + a.pixelSize() + " vs " + b.pixelSize() + " Å");
        int n = a.nx();
        if (mask != null && mask.length != a.data().length)
            throw new IllegalArgumentException("mask has " + mask.length + " values, maps have " + a.data().length);
        double[] fa = Fft.forward3d(masked(a.data(), mask), n);
        double[] fb = Fft.forward3d(masked(b.data(), mask), n);
        return shells(fa, fb, n, a.pixelSize());
    }

    private static float[] masked(float[] v, float[] mask) {
        if (mask == null) return v;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * mask[i];
        return out;
    }

    private static Curve shells(double[] fa, double[] fb, int n, double pixelSize) {
        int nShells = n / 2 + 1;
        double[] num = new double[nShells], da = new double[nShells], db = new double[nShells];
        int c = n / 2;
        for (int z = 0; z < n; z++) {
            int kz = z - c;
            for (int y = 0; y < n; y++) {
                int ky = y - c;
                // half transform kx = 0 … n/2; kx = n/2 is stored at index 0 (frequency −n/2) for even n
                for (int kx = 0; kx <= n / 2; kx++) {
                    int shell = (int) Math.round(Math.sqrt((double) kx * kx + ky * ky + kz * kz));
                    if (shell >= nShells) continue;
                    int x = (kx + c) % n;
                    int i = 2 * ((z * n + y) * n + x);
                    double ar = fa[i], ai = fa[i + 1], br = fb[i], bi = fb[i + 1];
                    num[shell] += ar * br + ai * bi;
                    da[shell] += ar * ar + ai * ai;
                    db[shell] += br * br + bi * bi;
                }
            }
        }
        double[] freq = new double[nShells], fsc = new double[nShells];
        for (int i = 0; i < nShells; i++) {
            freq[i] = i / (n * pixelSize);
            fsc[i] = num[i] / Math.sqrt(da[i] * db[i]);
        }
        return new Curve(freq, fsc, n, pixelSize);
    }
}
