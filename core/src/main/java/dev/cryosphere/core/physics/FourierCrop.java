package dev.cryosphere.core.physics;

/**
 * Downsampling by Fourier cropping (as RELION's {@code --rescale_angpix} / cryoDRGN {@code downsample}):
 * an n×n image becomes m×m (m &lt; n) by keeping the centred coefficients with frequencies
 * −m/2 … (m−1)/2 cycles per box on each axis (the square window representable on the coarse grid)
 * and inverting on the m×m grid. The pixel size becomes {@code pixelSize · n / m}.
 *
 * <p>Scaling: the kept coefficients are multiplied by (m/n)², so real-space values keep their scale — a
 * band-limited image resamples to the same values at the coarse grid points (not the same sum). The
 * centre pixel (n/2, n/2) maps onto the coarse centre (m/2, m/2). For even m the coarse Nyquist
 * row/column (−m/2) is taken from the fine −m/2 coefficients alone and the real part of the inverse
 * is returned (which makes the Nyquist terms Hermitian), as RELION's windowing does.
 */
public final class FourierCrop {
    private FourierCrop() {}

    public static float[] crop(float[] image, int n, int m) {
        return Fft.inverse2dReal(cropSpectrum(Fft.forward2d(image, n), n, m), m);
    }

    /** The centred m×m window of a centred n×n spectrum, scaled by (m/n)² (see class comment). */
    public static double[] cropSpectrum(double[] spectrum, int n, int m) {
        if (m <= 0 || m > n) throw new IllegalArgumentException("crop size " + m + " must be in 1.." + n);
        if (spectrum.length != 2 * n * n) throw new IllegalArgumentException("spectrum must hold 2·" + n + "² values");
        double scale = (double) m * m / ((double) n * n);
        int off = n / 2 - m / 2;    // fine index of coarse index 0: frequency −m/2 on both grids
        double[] out = new double[2 * m * m];
        for (int y = 0; y < m; y++)
            for (int x = 0; x < m; x++) {
                int from = 2 * ((y + off) * n + x + off), to = 2 * (y * m + x);
                out[to] = spectrum[from] * scale;
                out[to + 1] = spectrum[from + 1] * scale;
            }
        return out;
    }

    /** The same crop of an n³ volume ([z][y][x], x fastest) to m³: coefficients scaled by (m/n)³. */
    public static float[] cropVolume(float[] volume, int n, int m) {
        if (m <= 0 || m > n) throw new IllegalArgumentException("crop size " + m + " must be in 1.." + n);
        if (volume.length != n * n * n) throw new IllegalArgumentException("volume must hold " + n + "³ values");
        double[] f = Fft.forward3d(volume, n);
        double scale = Math.pow((double) m / n, 3);
        int off = n / 2 - m / 2;
        double[] out = new double[2 * m * m * m];
        for (int z = 0; z < m; z++)
            for (int y = 0; y < m; y++)
                for (int x = 0; x < m; x++) {
                    int from = 2 * (((z + off) * n + y + off) * n + x + off), to = 2 * ((z * m + y) * m + x);
                    out[to] = f[from] * scale;
                    out[to + 1] = f[from + 1] * scale;
                }
        return Fft.inverse3dReal(out, m);
    }

    public static double croppedPixelSize(double pixelSize, int n, int m) { return pixelSize * n / m; }
}
