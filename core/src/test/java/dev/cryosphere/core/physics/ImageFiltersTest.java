package dev.cryosphere.core.physics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Mask and low-pass against analytic cases: plane waves either side of the cut-off, pixels either side of the radius. */
class ImageFiltersTest {
    private static float[] wave(int n, int cyclesX, int cyclesY) {
        float[] img = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) img[y * n + x] = (float) Math.cos(2 * Math.PI * (cyclesX * x + cyclesY * y) / n);
        return img;
    }

    @Test
    void lowPassKeepsWavesBelowTheCutOffAndRemovesThoseAbove() {
        int n = 32;
        double apix = 2.0;                       // 1 cycle per box = 1/64 Å⁻¹
        float[] low = wave(n, 3, 0);             // 1/21.3 Å⁻¹
        float[] high = wave(n, 6, 8);            // 10 cycles: 1/6.4 Å⁻¹
        float[] sum = new float[n * n];
        for (int i = 0; i < sum.length; i++) sum[i] = low[i] + high[i];
        float[] out = ImageFilters.lowPass(sum, n, apix, 10.0);
        for (int i = 0; i < sum.length; i++) assertEquals(low[i], out[i], 1e-5, "pixel " + i);
        // a cut-off finer than the high wave keeps both
        float[] both = ImageFilters.lowPass(sum, n, apix, 6.0);
        for (int i = 0; i < sum.length; i++) assertEquals(sum[i], both[i], 1e-5, "pixel " + i);
    }

    @Test
    void maskIsACircleAboutTheCentrePixelForEvenAndOddBoxes() {
        for (int n : new int[]{32, 31}) {
            float[] m = ImageFilters.circularMask(n, 0.5);   // radius n/4 pixels
            int c = n / 2;
            double r = n / 4.0;
            assertEquals(1f, m[c * n + c]);
            assertEquals(1f, m[c * n + c + (int) Math.floor(r)], "n " + n);
            assertEquals(0f, m[c * n + c + (int) Math.floor(r) + 1], "n " + n);
            assertEquals(1f, m[(c - (int) Math.floor(r)) * n + c], "n " + n);
            assertEquals(0f, m[0]);
            int inside = 0;
            for (float v : m) inside += (int) v;
            assertEquals(Math.PI * r * r, inside, 0.15 * Math.PI * r * r, "area, n " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> ImageFilters.circularMask(32, 0));
        float[] img = wave(8, 1, 0);
        float[] masked = ImageFilters.masked(img, ImageFilters.circularMask(8, 0.25));
        assertEquals(img[4 * 8 + 4], masked[4 * 8 + 4]);
        assertEquals(0f, masked[0]);
    }
}
