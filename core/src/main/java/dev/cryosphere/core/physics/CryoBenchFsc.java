package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;

/**
 * Fourier shell correlation exactly as CryoBench computes it (ml-struct-bio/CryoBench, {@code metrics/fsc/utils/volumes.py},
 * functions {@code get_fsc_curve}, {@code calculate_fsc} and {@code get_fsc_cutoff}; the AUC of
 * {@code metrics/fsc/cdrgn_per_img_fsc.py}, {@code auc(fsc_df.pixres, fsc_df.fsc.abs())}). It differs from
 * {@link Fsc} (RELION's convention) in the shells, the first point, the AUC and the resolution read-out:
 * <ul>
 *   <li>an optional real-space mask is multiplied into both maps first (CryoBench: {@code --mask FILE});</li>
 *   <li>the centred full 3-D transform of each map ({@link Fft#forward3d}, the same layout as cryoDRGN's
 *       {@code fftn_center}); every Fourier component with integer offset k from the origin counts, not only a
 *       Hermitian half;</li>
 *   <li>point 0 is set to 1 (not computed); point i = 1 … N/2−1 is the correlation over the components with
 *       i−1 ≤ |k| &lt; i (so point 1 is the origin alone, point 2 the shell 1 ≤ |k| &lt; 2, …); components with
 *       |k| ≥ N/2−1 are not used; frequency of point i: {@code pixres = i/N} cycles per pixel;</li>
 *   <li>correlation Re Σ conj(F₁)·F₂ / √(Σ|F₁|² Σ|F₂|²); a shell where either map is all zero scores 1
 *       (CryoBench's {@code calculate_fsc} returns 1.0 when the denominator is 0);</li>
 *   <li>{@link Curve#auc()}: trapezoid area under |FSC| over pixres (sklearn's {@code auc}); identical maps give
 *       (N/2−1)/N, the span of pixres;</li>
 *   <li>{@link Curve#resolutionAt}: the first point whose FSC is below the threshold, no interpolation,
 *       1/pixres of that point (CryoBench reports it in pixels; we multiply by the pixel size to give Å); a curve
 *       that never drops below gives 2 pixels (CryoBench's default 2.0), i.e. 2·pixelSize Å.</li>
 * </ul>
 * Where we differ from CryoBench: CryoBench writes the curves to text rounded to 7 digits and clipped to [0, 1], and
 * a re-run that reads those files back computes its AUC from the clipped values; we keep the unclipped curve (the
 * AUC of |FSC| is the same unless FSC &lt; 0 somewhere, where clipping gives 0 instead of |FSC|).
 */
public final class CryoBenchFsc {
    private CryoBenchFsc() {}

    /**
     * A CryoBench FSC curve.
     *
     * @param pixres    spatial frequency of each point, cycles per pixel (i/N, i = 0 … N/2−1)
     * @param fsc       correlation per point (point 0 is 1 by definition)
     * @param pixelSize Å per pixel
     */
    public record Curve(double[] pixres, double[] fsc, int boxSize, double pixelSize) {

        /** Area under |FSC| against pixres, trapezoid rule (CryoBench: {@code sklearn.metrics.auc(pixres, |fsc|)}). */
        public double auc() {
            double area = 0;
            for (int i = 1; i < fsc.length; i++)
                area += 0.5 * (Math.abs(fsc[i - 1]) + Math.abs(fsc[i])) * (pixres[i] - pixres[i - 1]);
            return area;
        }

        /**
         * Resolution in Å at the first point whose FSC is below {@code threshold} ({@code get_fsc_cutoff}: no
         * interpolation); 2·pixelSize (Nyquist) when the curve never drops below it.
         */
        public double resolutionAt(double threshold) {
            for (int i = 0; i < fsc.length; i++)
                if (fsc[i] < threshold) return pixelSize / pixres[i];
            return 2 * pixelSize;
        }

        /** Frequency of each point in 1/Å. */
        public double[] frequency() {
            double[] f = new double[pixres.length];
            for (int i = 0; i < f.length; i++) f[i] = pixres[i] / pixelSize;
            return f;
        }
    }

    public static Curve compute(Volume a, Volume b) { return compute(a, b, null); }

    /** CryoBench FSC of {@code a} and {@code b}, each multiplied by {@code mask} (same shape) first when it is not null. */
    public static Curve compute(Volume a, Volume b, float[] mask) {
        if (!a.isCube() || !b.isCube() || a.nx() != b.nx())
            throw new IllegalArgumentException("FSC needs two cubic maps of the same size, got " + a.nx() + "x" + a.ny()
                    + "x" + a.nz() + " and " + b.nx() + "x" + b.ny() + "x" + b.nz());
        if (Math.abs(a.pixelSize() - b.pixelSize()) > 1e-4 * Math.max(a.pixelSize(), b.pixelSize()))
            throw new IllegalArgumentException("pixel sizes differ: " + a.pixelSize() + " vs " + b.pixelSize() + " Å");
        return compute(a.data(), b.data(), a.nx(), a.pixelSize(), mask);
    }

    /** The same on raw [z][y][x] arrays of an n³ box. */
    public static Curve compute(float[] a, float[] b, int n, double pixelSize, float[] mask) {
        if (a.length != n * n * n || b.length != n * n * n)
            throw new IllegalArgumentException("maps must have " + n + "³ values, got " + a.length + " and " + b.length);
        return compare(spectrum(a, n, mask), spectrum(b, n, mask), n, pixelSize);
    }

    /** The centred transform of an n³ map multiplied by {@code mask} (null: none), for {@link #compare}. */
    public static double[] spectrum(float[] map, int n, float[] mask) {
        if (map.length != n * n * n) throw new IllegalArgumentException("map must have " + n + "³ values, got " + map.length);
        if (mask != null && mask.length != map.length)
            throw new IllegalArgumentException("mask has " + mask.length + " values, the map " + map.length);
        return Fft.forward3d(masked(map, mask), n);
    }

    /** The curve of two spectra made by {@link #spectrum} (so that a true map is transformed once for many comparisons). */
    public static Curve compare(double[] fa, double[] fb, int n, double pixelSize) {
        if (fa.length != 2 * n * n * n || fb.length != fa.length)
            throw new IllegalArgumentException("spectra must have 2·" + n + "³ values");
        int points = n / 2;
        double[] num = new double[points], da = new double[points], db = new double[points];
        int c = Fft.centre(n);
        for (int z = 0; z < n; z++) {
            int kz = z - c;
            for (int y = 0; y < n; y++) {
                int ky = y - c;
                for (int x = 0; x < n; x++) {
                    int kx = x - c;
                    // point i holds i-1 <= |k| < i: i = floor(|k|) + 1
                    int p = (int) Math.floor(Math.sqrt((double) kx * kx + ky * ky + kz * kz)) + 1;
                    if (p >= points) continue;
                    int j = 2 * ((z * n + y) * n + x);
                    double ar = fa[j], ai = fa[j + 1], br = fb[j], bi = fb[j + 1];
                    num[p] += ar * br + ai * bi;
                    da[p] += ar * ar + ai * ai;
                    db[p] += br * br + bi * bi;
                }
            }
        }
        double[] pixres = new double[points], fsc = new double[points];
        for (int i = 0; i < points; i++) {
            pixres[i] = (double) i / n;
            double var = Math.sqrt(da[i] * db[i]);
            fsc[i] = i == 0 || var == 0 ? 1.0 : num[i] / var;
        }
        return new Curve(pixres, fsc, n, pixelSize);
    }

    private static float[] masked(float[] v, float[] mask) {
        if (mask == null) return v;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * mask[i];
        return out;
    }
}
