package dev.cryosphere.core.util;

/** Image statistics shared by commands and tests. */
public final class ImageStats {
    private ImageStats() {}

    /** Pearson correlation of two equally long images. */
    public static double pearson(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("images differ in size: " + a.length + " vs " + b.length);
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y; saa += x * x; sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb + 1e-300);
    }

    /** Population variance. */
    public static double variance(float[] img) {
        double mean = 0;
        for (float v : img) mean += v;
        mean /= img.length;
        double var = 0;
        for (float v : img) var += (v - mean) * (v - mean);
        return var / img.length;
    }
}
