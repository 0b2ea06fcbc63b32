package dev.cryosphere.core.geometry;

/**
 * The pixel grid: where pixel i of an N-pixel axis sits in space. RELION convention for every N: the centre is
 * pixel N/2 (integer division), at coordinate 0, so x_i = (i − N/2)·apix. For even N this is the reference's
 * grid; for odd N the reference puts the centre pixel at −1 pixel (a defect we do not copy).
 * Images are row-major [y][x] with x fastest; volumes [z][y][x].
 */
public final class ImageGrid {
    private ImageGrid() {}

    /** Index of the pixel at coordinate 0. */
    public static int centre(int n) {
        return n / 2;
    }

    /** Coordinate in Å of pixel i on an axis of n pixels of size apix. */
    public static double coordinate(int i, int n, double apix) {
        return (i - n / 2) * apix;
    }

    /** Coordinates of all n pixels of an axis, Å. */
    public static double[] axis(int n, double apix) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) c[i] = coordinate(i, n, apix);
        return c;
    }

    /**
     * Spatial frequency in 1/Å of DFT index k in the unshifted layout, as numpy's fftfreq: indices past the middle are
     * negative frequencies (for even N the Nyquist index N/2 is −1/(2 apix); its sign does not matter for even filters).
     */
    public static double frequency(int k, int n, double apix) {
        int kk = k <= (n - 1) / 2 ? k : k - n;
        return kk / (n * apix);
    }
}
