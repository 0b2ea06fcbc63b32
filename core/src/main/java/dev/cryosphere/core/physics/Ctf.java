package dev.cryosphere.core.physics;

import dev.cryosphere.core.geometry.ImageGrid;
import org.jtransforms.fft.DoubleFFT_2D;

/**
 * The contrast transfer function, RELION convention (src/ctf.h), used by the renderer, the simulator, the training
 * graph and evaluation alike:
 * <pre>
 *   λ  = 12.2643247 / sqrt(V (1 + 0.978466e-6 V))           (Å; V in volts)
 *   Δf(α) = −(U+V)/2 − (U−V)/2 · cos(2(α − angle))            (α = atan2(ky, kx); U, V in Å, underfocus positive)
 *   γ  = π λ Δf k² + (π/2) Cs λ³ k⁴ − phaseShift − atan(Q0/√(1−Q0²))
 *   CTF = −sin(γ) · scale · exp(−B k²/4)                       (k in 1/Å; Cs in Å)
 * </pre>
 * CTF(0) = Q0 &gt; 0: the first lobe is positive, i.e. a projection of positive density keeps positive contrast at
 * low frequency. This equals the cryoSPHERE reference's "apply −ctf" convention.
 */
public final class Ctf {
    private final double k1, k2, k3, k4, k5, defocusAverage, defocusDeviation, angleRad, scale;

    public Ctf(CtfParams p) {
        double volts = p.voltage() * 1e3;
        double lambda = 12.2643247 / Math.sqrt(volts * (1 + volts * 0.978466e-6));
        double csAngstrom = p.cs() * 1e7;
        double q0 = p.ampContrast();
        k1 = Math.PI * lambda;
        k2 = Math.PI / 2 * csAngstrom * lambda * lambda * lambda;
        k3 = Math.atan(q0 / Math.sqrt(1 - q0 * q0));
        k4 = -p.bFactor() / 4.0;
        k5 = Math.toRadians(p.phaseShift());
        defocusAverage = -(p.defocusU() + p.defocusV()) / 2;
        defocusDeviation = -(p.defocusU() - p.defocusV()) / 2;
        angleRad = Math.toRadians(p.defocusAngle());
        scale = p.scale();
    }

    /** Electron wavelength in Å for a voltage in kV. */
    public static double wavelength(double kv) {
        double v = kv * 1e3;
        return 12.2643247 / Math.sqrt(v * (1 + v * 0.978466e-6));
    }

    /** CTF at spatial frequency (kx, ky) in 1/Å. */
    public double value(double kx, double ky) {
        double u2 = kx * kx + ky * ky;
        double deltaf = defocusAverage;
        if (u2 > 0) deltaf += defocusDeviation * Math.cos(2 * (Math.atan2(ky, kx) - angleRad));
        double gamma = k1 * deltaf * u2 + k2 * u2 * u2 - k5 - k3;
        double ctf = -Math.sin(gamma) * scale;
        if (k4 != 0) ctf *= Math.exp(k4 * u2);
        return ctf;
    }

    /** The CTF on the unshifted N×N DFT layout, row-major [ky][kx]. */
    public double[] unshiftedGrid(int n, double apix) {
        double[] out = new double[n * n];
        for (int y = 0; y < n; y++) {
            double ky = ImageGrid.frequency(y, n, apix);
            for (int x = 0; x < n; x++) out[y * n + x] = value(ImageGrid.frequency(x, n, apix), ky);
        }
        return out;
    }

    /**
     * Multiplies an N×N real image by this CTF in Fourier space and returns the real result. No fftshift is
     * needed: for a real, even filter the shift phases cancel, so the unshifted layout gives the same image.
     */
    public float[] apply(float[] image, int n, double apix) {
        return filter(image, n, unshiftedGrid(n, apix));
    }

    /** Multiplies a real N×N image by a real filter given on the unshifted DFT layout. */
    public static float[] filter(float[] image, int n, double[] unshiftedFilter) {
        double[] c = new double[2 * n * n];
        for (int i = 0; i < n * n; i++) c[2 * i] = image[i];
        DoubleFFT_2D fft = new DoubleFFT_2D(n, n);
        fft.complexForward(c);
        for (int i = 0; i < n * n; i++) {
            c[2 * i] *= unshiftedFilter[i];
            c[2 * i + 1] *= unshiftedFilter[i];
        }
        fft.complexInverse(c, true);
        float[] out = new float[n * n];
        for (int i = 0; i < n * n; i++) out[i] = (float) c[2 * i];
        return out;
    }
}
