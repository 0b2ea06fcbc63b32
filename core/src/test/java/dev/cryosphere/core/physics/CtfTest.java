package dev.cryosphere.core.physics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CtfTest {
    @Test
    void wavelengthAt300kvMatchesRelion() {
        // RELION oracle README: 0.019687 Å at 300 kV
        assertEquals(0.019687, Ctf.wavelength(300), 1e-6);
    }

    @Test
    void dcEqualsAmplitudeContrastAndFirstLobeIsPositive() {
        Ctf ctf = new Ctf(CtfParams.of(15000, 15000, 0, 300, 2.7, 0.07));
        assertEquals(0.07, ctf.value(0, 0), 1e-12);
        assertTrue(ctf.value(0.01, 0) > 0.07);
    }

    @Test
    void firstZeroMatchesClosedFormWithoutSphericalAberration() {
        // Cs = 0, no astigmatism: gamma = -pi lambda df k^2 - atan(Q0/sqrt(1-Q0^2)); first zero where gamma = -pi
        double df = 20000, q0 = 0.1;
        Ctf ctf = new Ctf(CtfParams.of(df, df, 0, 200, 0, q0));
        double lambda = Ctf.wavelength(200);
        double k3 = Math.atan(q0 / Math.sqrt(1 - q0 * q0));
        double k0 = Math.sqrt((Math.PI - k3) / (Math.PI * lambda * df));
        assertEquals(0, ctf.value(k0, 0), 1e-9);
        assertEquals(0, ctf.value(0, k0), 1e-9);
        assertTrue(ctf.value(0.99 * k0, 0) > 0 && ctf.value(1.01 * k0, 0) < 0);
    }

    @Test
    void astigmatismFollowsTheDefocusAngle() {
        // Along the angle the defocus is U, perpendicular to it V: compare with isotropic CTFs of U and V.
        double ang = 30;
        Ctf astig = new Ctf(CtfParams.of(12000, 18000, ang, 300, 2.7, 0.07));
        Ctf isoU = new Ctf(CtfParams.of(12000, 12000, 0, 300, 2.7, 0.07));
        Ctf isoV = new Ctf(CtfParams.of(18000, 18000, 0, 300, 2.7, 0.07));
        double k = 0.08, a = Math.toRadians(ang), b = a + Math.PI / 2;
        assertEquals(isoU.value(k, 0), astig.value(k * Math.cos(a), k * Math.sin(a)), 1e-12);
        assertEquals(isoV.value(k, 0), astig.value(k * Math.cos(b), k * Math.sin(b)), 1e-12);
    }

    @Test
    void phaseShiftBfactorAndScale() {
        CtfParams base = CtfParams.of(15000, 15000, 0, 300, 2.7, 0.07);
        CtfParams vpp = new CtfParams(15000, 15000, 0, 300, 2.7, 0.07, 90, 40, 0.5);
        double k = 0.05;
        double lambda = Ctf.wavelength(300);
        double k3 = Math.atan(0.07 / Math.sqrt(1 - 0.07 * 0.07));
        double gamma = -Math.PI * lambda * 15000 * k * k + Math.PI / 2 * 2.7e7 * Math.pow(lambda, 3) * Math.pow(k, 4) - k3;
        assertEquals(-Math.sin(gamma), new Ctf(base).value(k, 0), 1e-12);
        assertEquals(-Math.sin(gamma - Math.PI / 2) * 0.5 * Math.exp(-40 * k * k / 4), new Ctf(vpp).value(k, 0), 1e-12);
        // NaN phase shift from metadata without the column means 0, never a NaN CTF
        assertEquals(new Ctf(base).value(k, 0), new Ctf(new CtfParams(15000, 15000, 0, 300, 2.7, 0.07, Double.NaN, Double.NaN, Double.NaN)).value(k, 0), 0);
    }

    @Test
    void filterEqualsDirectConvolutionTheorem() {
        // A filter of ones is the identity; a filter that is a pure DFT-domain delta gives one cosine.
        int n = 12;
        Random rng = new Random(4);
        float[] img = new float[n * n];
        for (int i = 0; i < img.length; i++) img[i] = (float) rng.nextGaussian();
        double[] ones = new double[n * n];
        java.util.Arrays.fill(ones, 1.0);
        float[] same = Ctf.filter(img, n, ones);
        for (int i = 0; i < img.length; i++) assertEquals(img[i], same[i], 1e-5);
        // keep only DC: every pixel becomes the mean
        double[] dc = new double[n * n];
        dc[0] = 1;
        float[] mean = Ctf.filter(img, n, dc);
        double m = 0;
        for (float v : img) m += v / img.length;
        for (float v : mean) assertEquals(m, v, 1e-5);
    }
}
