package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.geometry.ImageGrid;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Full-atom electron-scattering density (Coulomb potential up to a constant) on a cubic grid in the box frame, the
 * same quantity and units as gemmi's {@code DensityCalculatorE} with its defaults (blur 0, cutoff 1e-5).
 *
 * <p>Each atom contributes the Fourier transform of its scattering factor damped by its isotropic B factor,
 * f(s) = Σ a_i exp(−(b_i + B) s²) ({@link ElectronScatteringFactors}), times its occupancy:
 * ρ(r) = occ · Σ a_i (4π/(b_i+B))^{3/2} exp(−4π² r² / (b_i+B)). Units: a_i is in Å, so ρ is in Å/Å³ = Å⁻², and the
 * integral of one atom over space is occ · Σ a_i. No Mott–Bethe or other constant factor is applied (gemmi applies
 * none in real space either). Values are sampled at voxel centres, voxel N/2 at 0 Å on every axis
 * ({@link ImageGrid}); the map's origin is −(N/2)·apix.
 *
 * <p>Cutoff: an atom is evaluated only inside the sphere where its own density (occupancy 1) is above
 * {@value #CUTOFF} Å⁻², gemmi's default {@code cutoff}, with the radius found by gemmi's rule ({@link AtomTerms#radius}),
 * so both programs stop the tails at the same voxels. At B = 50 Å² the radius is 4.0 Å (H) to 4.8 Å (Se), i.e. a
 * few hundred voxels per atom at 1 Å, and the dropped tail is below 0.05 % of the atom's integral (see the tests):
 * far below what a map at cryo-EM resolution can show, and the reason the calculation is fast.
 *
 * <p>Unlike gemmi, which works in a periodic unit cell, the box is not periodic: tails that leave the box are dropped,
 * not wrapped to the opposite face (a particle box is not a crystal).
 */
public final class AtomicDensity {
    /** Density level (Å⁻²) where an atom's evaluation stops: gemmi's default {@code cutoff}. */
    public static final double CUTOFF = 1e-5;

    private AtomicDensity() {}

    /**
     * One atom in the box frame.
     *
     * @param element   symbol, case-insensitive ("C", "SE")
     * @param x         Å from the box centre, likewise y and z
     * @param bFactor   isotropic B, Å² (≥ 0)
     * @param occupancy scales the atom's density
     */
    public record Atom(String element, double x, double y, double z, double bFactor, double occupancy) {
        public Atom {
            if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z))
                throw new IllegalArgumentException("atom coordinates must be finite: " + x + ", " + y + ", " + z);
            if (!(bFactor >= 0) || Double.isInfinite(bFactor))
                throw new IllegalArgumentException("B factor must be finite and >= 0, got " + bFactor);
            if (!Double.isFinite(occupancy)) throw new IllegalArgumentException("occupancy must be finite, got " + occupancy);
        }
    }

    /**
     * The density of the atoms on an n³ grid of voxel size apix (Å).
     *
     * @throws IllegalArgumentException for an element without scattering factors (named in the message) before
     *                                  anything is computed
     */
    public static Volume render(List<Atom> atoms, int n, double apix) {
        if (n <= 0 || !(apix > 0)) throw new IllegalArgumentException("box and pixel size must be positive");
        AtomTerms[] terms = new AtomTerms[atoms.size()];
        double[] xyz = new double[3 * terms.length];
        for (int k = 0; k < terms.length; k++) {
            Atom a = atoms.get(k);
            terms[k] = AtomTerms.of(a);   // fail fast on unknown elements
            xyz[3 * k] = a.x();
            xyz[3 * k + 1] = a.y();
            xyz[3 * k + 2] = a.z();
        }
        return Volume.centred(sum(terms, xyz, n, apix), n, apix);
    }

    /**
     * Atoms whose elements, B factors and occupancies are fixed and whose coordinates change from map to map (one
     * structure per particle): the per-atom terms, including the cutoff radius, are worked out once.
     */
    public static final class Prepared {
        private final AtomTerms[] terms;

        private Prepared(AtomTerms[] terms) {
            this.terms = terms;
        }

        public int size() { return terms.length; }

        /** The density of these atoms at {@code xyz} (flat x, y, z per atom, Å, box frame): the same map as {@link #render}. */
        public Volume render(double[] xyz, int n, double apix) {
            if (n <= 0 || !(apix > 0)) throw new IllegalArgumentException("box and pixel size must be positive");
            if (xyz.length != 3 * terms.length) throw new IllegalArgumentException(xyz.length / 3 + " positions for " + terms.length + " atoms");
            for (double v : xyz) if (!Double.isFinite(v)) throw new IllegalArgumentException("atom coordinates must be finite: " + v);
            return Volume.centred(sum(terms, xyz, n, apix), n, apix);
        }
    }

    /**
     * Prepares atoms of the given elements, every one with B factor {@code bFactor} and occupancy {@code occupancy}.
     *
     * @throws IllegalArgumentException for an element without scattering factors (named in the message)
     */
    public static Prepared prepare(String[] elements, double bFactor, double occupancy) {
        AtomTerms[] terms = new AtomTerms[elements.length];
        Map<String, AtomTerms> byElement = new HashMap<>();
        for (int k = 0; k < elements.length; k++) {
            String el = elements[k];
            terms[k] = byElement.computeIfAbsent(el.toUpperCase(Locale.ROOT), e -> AtomTerms.of(new Atom(el, 0, 0, 0, bFactor, occupancy)));
        }
        return new Prepared(terms);
    }

    private static float[] sum(AtomTerms[] terms, double[] xyz, int n, double apix) {
        double[] axis = ImageGrid.axis(n, apix);
        double[] v = new double[n * n * n];
        for (int k = 0; k < terms.length; k++) add(v, xyz[3 * k], xyz[3 * k + 1], xyz[3 * k + 2], terms[k], axis, n, apix);
        float[] data = new float[v.length];
        for (int i = 0; i < v.length; i++) data[i] = (float) v[i];
        return data;
    }

    /**
     * Each Gaussian is separable, exp(−c(dx²+dy²+dz²)) = e(dx)·e(dy)·e(dz), so per atom only 3·5 short tables of
     * exponentials are computed and the voxel loop multiplies; the sphere test keeps gemmi's spherical support. The
     * tables cover the atom's span only (a few voxels), not the box: with thousands of atoms per map and a map per
     * particle, box-length tables made allocation the main cost.
     */
    private static void add(double[] v, double px, double py, double pz, AtomTerms t, double[] axis, int n, double apix) {
        double r = t.radius(), r2 = r * r;
        int[] sx = span(px, r, apix, n), sy = span(py, r, apix, n), sz = span(pz, r, apix, n);
        if (sx == null || sy == null || sz == null) return;
        int m = t.amp().length;
        int lx = sx[1] - sx[0] + 1, ly = sy[1] - sy[0] + 1, lz = sz[1] - sz[0] + 1;
        double[][] ex = new double[m][lx], ey = new double[m][ly], ez = new double[m][lz];
        double[] dx2 = new double[lx], dy2 = new double[ly], dz2 = new double[lz];
        fill(ex, dx2, t.rate(), axis, px, sx, null);
        fill(ey, dy2, t.rate(), axis, py, sy, null);
        fill(ez, dz2, t.rate(), axis, pz, sz, t.amp());     // amplitude × occupancy folded into z
        for (int z = 0; z < lz; z++)
            for (int y = 0; y < ly; y++) {
                double dyz = dz2[z] + dy2[y];
                if (dyz >= r2) continue;
                int row = ((z + sz[0]) * n + y + sy[0]) * n + sx[0];
                for (int x = 0; x < lx; x++) {
                    if (dyz + dx2[x] >= r2) continue;
                    double s = 0;
                    for (int i = 0; i < m; i++) s += ez[i][z] * ey[i][y] * ex[i][x];
                    v[row + x] += s;
                }
            }
    }

    /** Tables over the span: index j − span[0] holds voxel j. */
    private static void fill(double[][] e, double[] d2, double[] rate, double[] axis, double p, int[] span, double[] amp) {
        for (int j = span[0]; j <= span[1]; j++) {
            double d = axis[j] - p;
            int k = j - span[0];
            d2[k] = d * d;
            for (int i = 0; i < rate.length; i++) e[i][k] = (amp == null ? 1 : amp[i]) * Math.exp(-rate[i] * d2[k]);
        }
    }

    /** Voxels within r of p on one axis, clipped to the box; null when none. */
    private static int[] span(double p, double r, double apix, int n) {
        int lo = Math.max(0, (int) Math.ceil((p - r) / apix) + n / 2);
        int hi = Math.min(n - 1, (int) Math.floor((p + r) / apix) + n / 2);
        return lo > hi ? null : new int[]{lo, hi};
    }
}
