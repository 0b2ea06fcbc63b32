package dev.cryosphere.core.physics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A soft real-space mask made from a true map, parametrised as RELION's {@code relion_mask_create}
 * ({@code --ini_threshold}, {@code --extend_inimask}, {@code --width_soft_edge}): voxels at or above
 * {@code thresholdFraction} × the map's maximum form the initial mask; it is extended by {@code extendPx} pixels
 * (Euclidean distance); beyond that the mask falls from 1 to 0 as a raised cosine over {@code softPx} pixels:
 * value 0.5 + 0.5·cos(π·(d − extend)/soft) at distance d from the initial mask.
 *
 * <p>CryoBench masks its FSCs with a mask file shipped with each data set ({@code --mask IgG-1D/init_mask/mask.mrc}
 * in {@code metrics/fsc/README.md}); how that file was made is not in its code, so this construction is ours.
 */
public final class SoftMask {
    private SoftMask() {}

    /** Defaults of the benchmark's masked FSC: 2 % of the maximum, extended by 3 px, 3 px cosine edge. */
    public static final double THRESHOLD_FRACTION = 0.02, EXTEND_PX = 3, SOFT_PX = 3;

    /** The soft mask of an n³ map ([z][y][x]). */
    public static float[] fromMap(float[] map, int n, double thresholdFraction, double extendPx, double softPx) {
        if (map.length != n * n * n) throw new IllegalArgumentException("map must have " + n + "³ values, got " + map.length);
        if (extendPx < 0 || softPx < 0) throw new IllegalArgumentException("extend and soft edge must be >= 0");
        double max = Double.NEGATIVE_INFINITY;
        for (float v : map) max = Math.max(max, v);
        double t = thresholdFraction * max;
        boolean[] in = new boolean[map.length];
        int lo[] = {n, n, n}, hi[] = {-1, -1, -1};
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) {
                    int i = (z * n + y) * n + x;
                    if (max > 0 && map[i] >= t) {
                        in[i] = true;
                        lo[0] = Math.min(lo[0], x); lo[1] = Math.min(lo[1], y); lo[2] = Math.min(lo[2], z);
                        hi[0] = Math.max(hi[0], x); hi[1] = Math.max(hi[1], y); hi[2] = Math.max(hi[2], z);
                    }
                }
        float[] mask = new float[map.length];
        if (hi[0] < 0) return mask;
        double reach = extendPx + softPx;
        int r = (int) Math.ceil(reach);
        // offsets within the reach, nearest first: the first one that lands in the initial mask gives the distance
        List<int[]> offsets = new ArrayList<>();
        for (int dz = -r; dz <= r; dz++)
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                    if (dx * dx + dy * dy + dz * dz <= reach * reach) offsets.add(new int[]{dx, dy, dz, dx * dx + dy * dy + dz * dz});
        int[][] off = offsets.toArray(int[][]::new);
        Arrays.sort(off, (a, b) -> Integer.compare(a[3], b[3]));
        for (int z = Math.max(0, lo[2] - r); z <= Math.min(n - 1, hi[2] + r); z++)
            for (int y = Math.max(0, lo[1] - r); y <= Math.min(n - 1, hi[1] + r); y++)
                for (int x = Math.max(0, lo[0] - r); x <= Math.min(n - 1, hi[0] + r); x++) {
                    int i = (z * n + y) * n + x;
                    if (in[i]) { mask[i] = 1; continue; }
                    for (int[] o : off) {
                        int xx = x + o[0], yy = y + o[1], zz = z + o[2];
                        if (xx < 0 || yy < 0 || zz < 0 || xx >= n || yy >= n || zz >= n || !in[(zz * n + yy) * n + xx]) continue;
                        mask[i] = (float) value(Math.sqrt(o[3]), extendPx, softPx);
                        break;
                    }
                }
        return mask;
    }

    /** The mask's value at distance d (pixels) from the initial mask. */
    static double value(double d, double extendPx, double softPx) {
        if (d <= extendPx) return 1;
        if (d >= extendPx + softPx) return 0;
        return 0.5 + 0.5 * Math.cos(Math.PI * (d - extendPx) / softPx);
    }
}
