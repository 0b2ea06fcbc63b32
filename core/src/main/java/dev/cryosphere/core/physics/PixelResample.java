package dev.cryosphere.core.physics;

import java.util.Locale;

/**
 * Brings an optics group's images to a common pixel size and box (as RELION's {@code relion_image_handler
 * --rescale_angpix A --new_box N}): first a Fourier crop or pad of the n-px source to m = round(n · p / A) px, which
 * makes the pixel size p · n / m ≈ A without touching the kept coefficients; then a real-space window m → N px about
 * the centre (pixel m/2 → N/2; a pad is filled with the mean of the image's outermost ring of pixels).
 *
 * <p>When n · p / A is not an integer the achieved pixel size p · n / m differs from A; the plan records the
 * resulting scale error as the displacement at the box edge, (N/2) · |p n / (m A) − 1| px, and callers refuse plans
 * above {@link #MAX_EDGE_ERROR_PX}. The CTF parameters are physical (Å, kV, mm) and do not change: evaluated at the
 * new pixel size they describe the resampled image.
 */
public final class PixelResample {
    private PixelResample() {}

    /** Largest accepted scale error, pixels at the box edge. */
    public static final double MAX_EDGE_ERROR_PX = 0.25;

    /**
     * @param sourceBox   n, source image side
     * @param sourcePixel p, source Å/px
     * @param fourierBox  m, side after the Fourier crop/pad
     * @param box         N, side after the real-space window
     * @param achievedPixel p · n / m, Å/px of the result
     * @param edgeErrorPx (N/2) · |achieved / target − 1|
     */
    public record Plan(int sourceBox, double sourcePixel, int fourierBox, int box, double achievedPixel,
                       double edgeErrorPx) {
        public boolean identity() { return fourierBox == sourceBox && box == sourceBox; }

        public String describe() {
            return String.format(Locale.ROOT, "%d px at %.5g Å → Fourier %s to %d px (%.5g Å/px) → window %d px",
                    sourceBox, sourcePixel, fourierBox < sourceBox ? "crop" : fourierBox > sourceBox ? "pad" : "unchanged",
                    fourierBox, achievedPixel, box);
        }
    }

    /** The plan for target pixel size {@code apix} and box {@code box}. */
    public static Plan plan(int sourceBox, double sourcePixel, double apix, int box) {
        if (!(apix > 0)) throw new IllegalArgumentException("pixel size must be > 0, got " + apix);
        int m = (int) Math.max(2, Math.round(sourceBox * sourcePixel / apix));
        double achieved = sourcePixel * sourceBox / m;
        return new Plan(sourceBox, sourcePixel, m, box, achieved, box / 2.0 * Math.abs(achieved / apix - 1));
    }

    /** Fourier size that resampling {@code sourceBox} px at {@code sourcePixel} to {@code apix} gives. */
    public static int fourierBox(int sourceBox, double sourcePixel, double apix) {
        return (int) Math.max(2, Math.round(sourceBox * sourcePixel / apix));
    }

    /** Applies the plan to one n×n image. */
    public static float[] apply(float[] image, Plan p) {
        float[] r = image;
        if (p.fourierBox() != p.sourceBox()) r = resizeFourier(r, p.sourceBox(), p.fourierBox());
        if (p.box() != p.fourierBox()) r = window(r, p.fourierBox(), p.box());
        return r;
    }

    /** Fourier crop (m &lt; n, {@link FourierCrop}) or pad (m &gt; n) of an n×n image to m×m. */
    public static float[] resizeFourier(float[] image, int n, int m) {
        if (m == n) return image.clone();
        if (m < n) return FourierCrop.crop(image, n, m);
        return Fft.inverse2dReal(padSpectrum(Fft.forward2d(image, n), n, m), m);
    }

    /**
     * The centred n×n spectrum placed in the centre of an m×m zero spectrum (m &gt; n), scaled by (m/n)² so that
     * real-space values keep their scale: the padded image interpolates the source (its values at the source grid
     * points are the source values; the unpaired Nyquist terms of an even n are made Hermitian by the real part).
     */
    public static double[] padSpectrum(double[] spectrum, int n, int m) {
        if (m < n) throw new IllegalArgumentException("pad size " + m + " must be ≥ " + n);
        if (spectrum.length != 2 * n * n) throw new IllegalArgumentException("spectrum must hold 2·" + n + "² values");
        double scale = (double) m * m / ((double) n * n);
        int off = m / 2 - n / 2;
        double[] out = new double[2 * m * m];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                int from = 2 * (y * n + x), to = 2 * ((y + off) * m + x + off);
                out[to] = spectrum[from] * scale;
                out[to + 1] = spectrum[from + 1] * scale;
            }
        return out;
    }

    /**
     * Real-space window of an m×m image to N×N about the centre (pixel m/2 → N/2); pixels outside the source are
     * the mean of the source's outermost ring.
     */
    public static float[] window(float[] image, int m, int N) {
        float fill = 0;
        if (N > m) {
            double s = 0;
            int c = 0;
            for (int y = 0; y < m; y++)
                for (int x = 0; x < m; x++)
                    if (y == 0 || x == 0 || y == m - 1 || x == m - 1) {
                        s += image[y * m + x];
                        c++;
                    }
            fill = (float) (s / c);
        }
        float[] out = new float[N * N];
        int off = m / 2 - N / 2;   // source index of output index 0
        for (int y = 0; y < N; y++) {
            int sy = y + off;
            for (int x = 0; x < N; x++) {
                int sx = x + off;
                out[y * N + x] = sy >= 0 && sy < m && sx >= 0 && sx < m ? image[sy * m + sx] : fill;
            }
        }
        return out;
    }
}
