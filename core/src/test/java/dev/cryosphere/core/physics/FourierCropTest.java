package dev.cryosphere.core.physics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FourierCropTest {
    // (ky, kx, amplitude, phase): frequencies in cycles per box, all inside the coarse Nyquist (|k| < 16)
    private static final double[][] WAVES = {{0, 0, 0.7, 0}, {1, 3, 1.0, 0.3}, {-5, 2, 0.5, 1.1}, {7, -11, 0.25, -0.4},
            {15, 0, 0.2, 0.0}, {-3, -15, 0.3, 2.0}, {10, 10, 0.4, 0.7}};

    /** Σ a·cos(2π(ky·y + kx·x)/box + φ), coordinates relative to the box centre. */
    private static float[] waves(int box) {
        float[] img = new float[box * box];
        int c = box / 2;
        for (int y = 0; y < box; y++)
            for (int x = 0; x < box; x++) {
                double v = 0;
                for (double[] w : WAVES) v += w[2] * Math.cos(2 * Math.PI * (w[0] * (y - c) + w[1] * (x - c)) / box + w[3]);
                img[y * box + x] = (float) v;
            }
        return img;
    }

    @Test
    void bandLimitedImageKeepsCoefficientsAndResamples() {
        int n = 64, m = 32;
        float[] fine = waves(n);
        float[] coarse = FourierCrop.crop(fine, n, m);

        // real space: the same cosines sampled on the coarse grid (pixel size ×2)
        assertArrayEquals(waves(m), coarse, 1e-5f);

        // Fourier space: coarse coefficient × (n/m)² = fine coefficient at the same frequency
        double[] ff = Fft.forward2d(fine, n), fc = Fft.forward2d(coarse, m);
        double scale = (double) n * n / ((double) m * m), maxF = 0, maxDiff = 0;
        for (int ky = -m / 2; ky < m / 2; ky++)
            for (int kx = -m / 2; kx < m / 2; kx++) {
                int i = 2 * ((ky + n / 2) * n + kx + n / 2), j = 2 * ((ky + m / 2) * m + kx + m / 2);
                maxF = Math.max(maxF, Math.hypot(ff[i], ff[i + 1]));
                maxDiff = Math.max(maxDiff, Math.hypot(fc[j] * scale - ff[i], fc[j + 1] * scale - ff[i + 1]));
            }
        assertTrue(maxDiff / maxF < 1e-5, "max relative coefficient difference " + maxDiff / maxF);
        assertEquals(4.0, FourierCrop.croppedPixelSize(2.0, n, m), 1e-12);
    }

    @Test
    void oddSizes() {
        float[] fine = waves(63);
        // all WAVES frequencies are < 31/2 except 15 ≤ 15: fine for m = 31 (range −15…15)
        assertArrayEquals(waves(31), FourierCrop.crop(fine, 63, 31), 1e-5f);
    }

    /** Σ a·cos(2π k·r/box + φ) over a 3-D box, r relative to the box centre; |k| components below the coarse Nyquist. */
    private static float[] waves3d(int box) {
        double[][] w = {{0, 0, 0, 0.7, 0}, {1, 3, -2, 1.0, 0.3}, {-5, 2, 4, 0.5, 1.1}, {7, -6, 3, 0.25, -0.4}, {-7, 0, 7, 0.3, 2.0}};
        float[] v = new float[box * box * box];
        int c = box / 2;
        for (int z = 0; z < box; z++)
            for (int y = 0; y < box; y++)
                for (int x = 0; x < box; x++) {
                    double s = 0;
                    for (double[] q : w) s += q[3] * Math.cos(2 * Math.PI * (q[0] * (z - c) + q[1] * (y - c) + q[2] * (x - c)) / box + q[4]);
                    v[(z * box + y) * box + x] = (float) s;
                }
        return v;
    }

    /** A band-limited volume cropped 32³ → 16³ is the same cosines sampled on the coarse grid (values keep their scale). */
    @Test
    void bandLimitedVolumeResamples() {
        assertArrayEquals(waves3d(16), FourierCrop.cropVolume(waves3d(32), 32, 16), 1e-5f);
        assertArrayEquals(waves3d(15), FourierCrop.cropVolume(waves3d(30), 30, 15), 1e-5f);
    }
}
