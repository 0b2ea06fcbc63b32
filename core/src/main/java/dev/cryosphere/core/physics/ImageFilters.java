package dev.cryosphere.core.physics;

import dev.cryosphere.core.geometry.ImageGrid;

/**
 * The two optional image filters of training: a circular real-space mask and a hard low-pass. Both are centred on
 * the grid's centre pixel N/2 (the particle centre and the zero frequency of {@link Fft}), so they mean the same
 * thing for even and odd boxes. The reference draws its mask on {@code linspace(-1, 1)}, whose centre sits half a
 * pixel off the particle centre for even N; we do not copy that.
 */
public final class ImageFilters {
    private ImageFilters() {}

    /**
     * 1 inside a circle of radius {@code radiusFraction} × N/2 pixels about pixel (N/2, N/2), 0 outside: the
     * reference's {@code input_mask_radius} (1 = the inscribed circle).
     */
    public static float[] circularMask(int n, double radiusFraction) {
        if (!(radiusFraction > 0)) throw new IllegalArgumentException("mask radius must be positive: " + radiusFraction);
        double r = radiusFraction * n / 2.0, r2 = r * r;
        int c = ImageGrid.centre(n);
        float[] m = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                double dx = x - c, dy = y - c;
                m[y * n + x] = dx * dx + dy * dy <= r2 ? 1f : 0f;
            }
        return m;
    }

    /** The image times the mask (a new array). */
    public static float[] masked(float[] image, float[] mask) {
        if (image.length != mask.length) throw new IllegalArgumentException("image and mask differ in size");
        float[] out = new float[image.length];
        for (int i = 0; i < out.length; i++) out[i] = image[i] * mask[i];
        return out;
    }

    /**
     * Hard low-pass: keeps the Fourier components with |k| &lt; 1/resolution (1/Å), zeroes the rest (the reference's
     * {@code lp_bandwidth}).
     */
    public static float[] lowPass(float[] image, int n, double apix, double resolution) {
        if (!(resolution > 0)) throw new IllegalArgumentException("low-pass resolution must be positive: " + resolution);
        double[] f = Fft.forward2d(image, n);
        double cut2 = 1.0 / (resolution * resolution);
        int c = Fft.centre(n);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                double ky = (y - c) / (n * apix), kx = (x - c) / (n * apix);
                if (kx * kx + ky * ky >= cut2) {
                    int i = 2 * (y * n + x);
                    f[i] = 0;
                    f[i + 1] = 0;
                }
            }
        return Fft.inverse2dReal(f, n);
    }
}
