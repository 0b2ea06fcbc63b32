package dev.cryosphere.core.physics;

import org.jtransforms.fft.DoubleFFT_2D;
import org.jtransforms.fft.DoubleFFT_3D;

import java.util.HashMap;
import java.util.Map;

/**
 * Centred discrete Fourier transforms of square images and cubic volumes (numpy/torch convention):
 * {@code F = fftshift(fft(ifftshift(x)))}, forward unnormalised, inverse scaled by 1/N (N = number of samples),
 * so {@code inverse(forward(x)) == x}.
 *
 * <p>Layout: spectra are interleaved complex {@code double[]} (re, im) in the same row-major order as the
 * real arrays ([y][x] or [z][y][x], x fastest), length 2·n² or 2·n³. Both real-space and Fourier-space
 * origins sit at index c = n/2 (integer division) on every axis, for even and odd n, so element
 * (ky, kx) holds frequency (ky − c, kx − c) cycles per box and
 * <pre>F[k] = Σ_j x[j] · exp(−2πi (k − c)·(j − c) / n)</pre>
 */
public final class Fft {
    private Fft() {}

    // JTransforms plans precompute twiddle tables; reuse them per thread (instances are not documented thread-safe)
    private static final ThreadLocal<Map<Integer, DoubleFFT_2D>> PLANS_2D = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<Integer, DoubleFFT_3D>> PLANS_3D = ThreadLocal.withInitial(HashMap::new);

    /** Index of the origin (zero frequency / centre pixel) along an axis of length n. */
    public static int centre(int n) { return n / 2; }

    // ---------------------------------------------------------------- 2-D

    /** Centred forward transform of a real n×n image. */
    public static double[] forward2d(float[] image, int n) {
        check(image.length, n * n, "image");
        double[] c = new double[2 * n * n];
        for (int i = 0; i < n * n; i++) c[2 * i] = image[i];
        return forward2dComplex(c, n);
    }

    /** Centred forward transform of an interleaved complex n×n array (input not modified). */
    public static double[] forward2dComplex(double[] complex, int n) {
        check(complex.length, 2 * n * n, "complex image");
        double[] a = roll2d(complex, n, n / 2);                   // ifftshift
        plan2d(n).complexForward(a);
        return roll2d(a, n, n - n / 2);                           // fftshift
    }

    /** Centred inverse transform (1/n² scaling) of a centred spectrum; complex interleaved result. */
    public static double[] inverse2d(double[] spectrum, int n) {
        check(spectrum.length, 2 * n * n, "spectrum");
        double[] a = roll2d(spectrum, n, n / 2);
        plan2d(n).complexInverse(a, true);
        return roll2d(a, n, n - n / 2);
    }

    /** Real part of {@link #inverse2d}, as float (for spectra of real images the imaginary part is rounding). */
    public static float[] inverse2dReal(double[] spectrum, int n) {
        return realPart(inverse2d(spectrum, n));
    }

    // ---------------------------------------------------------------- 3-D

    /** Centred forward transform of a real n³ volume ([z][y][x], x fastest). */
    public static double[] forward3d(float[] volume, int n) {
        check(volume.length, n * n * n, "volume");
        double[] c = new double[2 * n * n * n];
        for (int i = 0; i < volume.length; i++) c[2 * i] = volume[i];
        return forward3dComplex(c, n);
    }

    public static double[] forward3dComplex(double[] complex, int n) {
        check(complex.length, 2 * n * n * n, "complex volume");
        double[] a = roll3d(complex, n, n / 2);
        plan3d(n).complexForward(a);
        return roll3d(a, n, n - n / 2);
    }

    /** Centred inverse transform (1/n³ scaling); complex interleaved result. */
    public static double[] inverse3d(double[] spectrum, int n) {
        check(spectrum.length, 2 * n * n * n, "spectrum");
        double[] a = roll3d(spectrum, n, n / 2);
        plan3d(n).complexInverse(a, true);
        return roll3d(a, n, n - n / 2);
    }

    public static float[] inverse3dReal(double[] spectrum, int n) {
        return realPart(inverse3d(spectrum, n));
    }

    // ---------------------------------------------------------------- helpers

    /** dst[y][x] = src[(y+s) mod n][(x+s) mod n]; s = n/2 is ifftshift, s = n − n/2 is fftshift. */
    private static double[] roll2d(double[] src, int n, int s) {
        double[] dst = new double[src.length];
        for (int y = 0; y < n; y++) {
            int sy = (y + s) % n;
            for (int x = 0; x < n; x++) {
                int from = 2 * (sy * n + (x + s) % n), to = 2 * (y * n + x);
                dst[to] = src[from];
                dst[to + 1] = src[from + 1];
            }
        }
        return dst;
    }

    private static double[] roll3d(double[] src, int n, int s) {
        double[] dst = new double[src.length];
        for (int z = 0; z < n; z++) {
            int sz = (z + s) % n;
            for (int y = 0; y < n; y++) {
                int sy = (y + s) % n;
                for (int x = 0; x < n; x++) {
                    int from = 2 * ((sz * n + sy) * n + (x + s) % n), to = 2 * ((z * n + y) * n + x);
                    dst[to] = src[from];
                    dst[to + 1] = src[from + 1];
                }
            }
        }
        return dst;
    }

    private static float[] realPart(double[] c) {
        float[] r = new float[c.length / 2];
        for (int i = 0; i < r.length; i++) r[i] = (float) c[2 * i];
        return r;
    }

    // JTransforms rejects size 1; a 1-sample transform is meaningless for images anyway
    private static void checkSize(int n) {
        if (n < 2) throw new IllegalArgumentException("transform size must be at least 2, got " + n);
    }

    private static DoubleFFT_2D plan2d(int n) { checkSize(n); return PLANS_2D.get().computeIfAbsent(n, k -> new DoubleFFT_2D(k, k)); }

    private static DoubleFFT_3D plan3d(int n) { checkSize(n); return PLANS_3D.get().computeIfAbsent(n, k -> new DoubleFFT_3D(k, k, k)); }

    private static void check(int length, long expected, String what) {
        if (length != expected) throw new IllegalArgumentException(what + " has " + length + " values, expected " + expected);
    }
}
