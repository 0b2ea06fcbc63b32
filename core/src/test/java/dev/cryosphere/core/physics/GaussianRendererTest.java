package dev.cryosphere.core.physics;

import dev.cryosphere.core.geometry.Euler;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GaussianRendererTest {
    private static final double[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1};

    private static int argmax(float[] img) {
        int best = 0;
        for (int i = 1; i < img.length; i++) if (img[i] > img[best]) best = i;
        return best;
    }

    @Test
    void singleResidueAtOriginPeaksAtTheCentrePixelWithItsAmplitude() {
        for (int n : new int[]{32, 33}) {
            GaussianRenderer r = new GaussianRenderer(n, 2.0, 2.0);
            float[] img = r.project(new double[]{0, 0, 7}, new double[]{50}, IDENTITY, 0, 0);
            assertEquals((n / 2) * n + n / 2, argmax(img));
            assertEquals(50, img[argmax(img)], 1e-4);
            // one pixel away: exp(-apix^2 / (2 sigma^2)) = exp(-0.5)
            assertEquals(50 * Math.exp(-0.5), img[(n / 2) * n + n / 2 + 1], 1e-4);
            // total mass of a sampled Gaussian ~ A * 2 pi sigma^2 / apix^2
            double sum = 0;
            for (float v : img) sum += v;
            assertEquals(50 * 2 * Math.PI * 4 / 4, sum, 1e-3);
        }
    }

    @Test
    void originMovesTheParticleCentreToImageCentreMinusOrigin() {
        // RELION oracle README: origin (4, -6) Å at 2 Å/px moves the particle by (-2, +3) px
        int n = 64;
        GaussianRenderer r = new GaussianRenderer(n, 2.0, 2.0);
        float[] img = r.project(new double[]{0, 0, 0}, new double[]{1}, IDENTITY, 4, -6);
        assertEquals((32 + 3) * n + (32 - 2), argmax(img));
    }

    @Test
    void poseRotatesTheAtomsByRelionsMatrix() {
        // rot = 90: A = [[0,1,0],[-1,0,0],[0,0,1]] so the atom at x = +10 Å goes to y = -10 Å (row 32 - 5)
        int n = 64;
        GaussianRenderer r = new GaussianRenderer(n, 2.0, 2.0);
        float[] img = r.project(new double[]{10, 0, 0}, new double[]{1}, Euler.toMatrix(90, 0, 0), 0, 0);
        assertEquals((32 - 5) * n + 32, argmax(img));
        // tilt = 90: A = [[0,0,-1],[0,1,0],[1,0,0]]: an atom at z = +10 goes to x = -10
        img = r.project(new double[]{0, 0, 10}, new double[]{1}, Euler.toMatrix(0, 90, 0), 0, 0);
        assertEquals(32 * n + 32 - 5, argmax(img));
    }

    @Test
    void projectionIsLinearInResidues() {
        GaussianRenderer r = new GaussianRenderer(24, 1.5, 2.0);
        double[] rot = Euler.toMatrix(12, 34, 56);
        float[] a = r.project(new double[]{1, 2, 3}, new double[]{5}, rot, 1, 1);
        float[] b = r.project(new double[]{-4, 0, 2}, new double[]{7}, rot, 1, 1);
        float[] ab = r.project(new double[]{1, 2, 3, -4, 0, 2}, new double[]{5, 7}, rot, 1, 1);
        for (int i = 0; i < ab.length; i++) assertEquals(a[i] + b[i], ab[i], 1e-4);
    }
}
