package dev.cryosphere.core.physics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Against the defining sum F[k] = Σ_j x[j] exp(−2πi (k−c)·(j−c)/n), c = n/2, for even and odd n. */
class FftTest {

    private static double[] randomComplex(int len, long seed) {
        Random r = new Random(seed);
        double[] a = new double[2 * len];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
        return a;
    }

    /** O(n⁴) centred DFT; sign −1 forward, +1 inverse (unscaled). */
    private static double[] dft2d(double[] x, int n, int sign) {
        int c = n / 2;
        double[] out = new double[2 * n * n];
        for (int ky = 0; ky < n; ky++)
            for (int kx = 0; kx < n; kx++) {
                double re = 0, im = 0;
                for (int jy = 0; jy < n; jy++)
                    for (int jx = 0; jx < n; jx++) {
                        double ph = sign * 2 * Math.PI * ((double) (ky - c) * (jy - c) + (double) (kx - c) * (jx - c)) / n;
                        double xr = x[2 * (jy * n + jx)], xi = x[2 * (jy * n + jx) + 1];
                        re += xr * Math.cos(ph) - xi * Math.sin(ph);
                        im += xr * Math.sin(ph) + xi * Math.cos(ph);
                    }
                out[2 * (ky * n + kx)] = re;
                out[2 * (ky * n + kx) + 1] = im;
            }
        return out;
    }

    private static double[] dft3d(double[] x, int n) {
        int c = n / 2;
        double[] out = new double[2 * n * n * n];
        for (int k = 0; k < n * n * n; k++) {
            int kz = k / (n * n) - c, ky = (k / n) % n - c, kx = k % n - c;
            double re = 0, im = 0;
            for (int j = 0; j < n * n * n; j++) {
                int jz = j / (n * n) - c, jy = (j / n) % n - c, jx = j % n - c;
                double ph = -2 * Math.PI * (kz * jz + ky * jy + kx * jx) / (double) n;
                re += x[2 * j] * Math.cos(ph) - x[2 * j + 1] * Math.sin(ph);
                im += x[2 * j] * Math.sin(ph) + x[2 * j + 1] * Math.cos(ph);
            }
            out[2 * k] = re;
            out[2 * k + 1] = im;
        }
        return out;
    }

    @Test
    void forward2dMatchesDirectSum() {
        for (int n : new int[]{2, 3, 4, 5, 6, 7, 8}) {
            double[] x = randomComplex(n * n, n);
            assertArrayEquals(dft2d(x, n, -1), Fft.forward2dComplex(x, n), 1e-10 * n * n, "n=" + n);
        }
    }

    @Test
    void sizeOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fft.forward2d(new float[1], 1));
    }

    @Test
    void inverse2dMatchesDirectSumOverN2AndRoundTrips() {
        for (int n : new int[]{4, 5, 6, 7}) {
            double[] k = randomComplex(n * n, 10 + n);
            double[] want = dft2d(k, n, +1);
            for (int i = 0; i < want.length; i++) want[i] /= n * n;
            assertArrayEquals(want, Fft.inverse2d(k, n), 1e-12, "n=" + n);
            assertArrayEquals(k, Fft.forward2dComplex(Fft.inverse2d(k, n), n), 1e-12, "n=" + n);
        }
    }

    @Test
    void realImageForwardAndBack() {
        for (int n : new int[]{8, 9}) {
            Random r = new Random(n);
            float[] img = new float[n * n];
            double[] c = new double[2 * n * n];
            for (int i = 0; i < img.length; i++) { img[i] = (float) r.nextGaussian(); c[2 * i] = img[i]; }
            double[] f = Fft.forward2d(img, n);
            assertArrayEquals(dft2d(c, n, -1), f, 1e-10 * n * n);
            // a real, centred image: F[c, c] is the sum; F(−k) = conj F(k) about the centre (odd n: all k)
            double sum = 0;
            for (float v : img) sum += v;
            int cc = n / 2;
            assertEquals(sum, f[2 * (cc * n + cc)], 1e-9);
            assertArrayEquals(img, Fft.inverse2dReal(f, n), 1e-6f);
        }
    }

    @Test
    void centredDeltaHasFlatSpectrum() {
        int n = 6;
        float[] img = new float[n * n];
        img[3 * n + 3] = 1;   // the centre pixel (n/2, n/2)
        double[] f = Fft.forward2d(img, n);
        for (int i = 0; i < n * n; i++) {
            assertEquals(1.0, f[2 * i], 1e-12);
            assertEquals(0.0, f[2 * i + 1], 1e-12);
        }
    }

    @Test
    void forward3dMatchesDirectSumAndRoundTrips() {
        for (int n : new int[]{2, 3, 4, 5}) {
            double[] x = randomComplex(n * n * n, 20 + n);
            double[] f = Fft.forward3dComplex(x, n);
            assertArrayEquals(dft3d(x, n), f, 1e-10 * n * n * n, "n=" + n);
            assertArrayEquals(x, Fft.inverse3d(f, n), 1e-12, "n=" + n);
            float[] real = new float[n * n * n];
            for (int i = 0; i < real.length; i++) real[i] = (float) x[2 * i];
            assertArrayEquals(real, Fft.inverse3dReal(Fft.forward3d(real, n), n), 1e-6f);
        }
    }
}
