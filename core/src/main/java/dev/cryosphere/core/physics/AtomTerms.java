package dev.cryosphere.core.physics;

/**
 * One atom's density as Σ amp_i exp(−rate_i r²): amp_i = occ · a_i (4π/(b_i+B))^{3/2}, rate_i = 4π²/(b_i+B), and the
 * radius where the density at occupancy 1 falls to {@link AtomicDensity#CUTOFF}.
 */
record AtomTerms(double[] amp, double[] rate, double radius) {

    static AtomTerms of(AtomicDensity.Atom atom) {
        ElectronScatteringFactors.Coefficients c = ElectronScatteringFactors.of(atom.element());
        double[] a = c.a(), b = c.b();
        double[] peak = new double[a.length], amp = new double[a.length], rate = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double bb = b[i] + atom.bFactor();
            peak[i] = a[i] * Math.pow(4 * Math.PI / bb, 1.5);
            amp[i] = atom.occupancy() * peak[i];
            rate[i] = 4 * Math.PI * Math.PI / bb;
        }
        return new AtomTerms(amp, rate, radius(peak, rate, atom.bFactor()));
    }

    /**
     * Where the occupancy-1 density reaches the cutoff, found the way gemmi finds it (so the two maps cover the same
     * voxels): from a first guess r0 = (8.5 + 0.075 B)/(2.4 + 0.0045 B) Å (gemmi's fit to carbon), step by 0.5 Å until
     * the cutoff is bracketed, then interpolate linearly in the bracket. The density is convex there, so this lands
     * up to ~0.1 Å beyond the exact crossing; solving exactly instead left differences of ~1e-4 of the maximum.
     * It relies on the density falling monotonically with r, which holds for every element of the table at B ≥ 0
     * (Rb and Np, the two with a negative a_i, included).
     */
    static double radius(double[] peak, double[] rate, double bIso) {
        double cut = AtomicDensity.CUTOFF;
        if (density(peak, rate, 0) <= cut) return 0;
        double x1 = (8.5 + 0.075 * bIso) / (2.4 + 0.0045 * bIso), y1 = density(peak, rate, x1 * x1), x2 = x1, y2 = y1;
        if (y1 < cut) {
            while (y1 < cut) {
                x2 = x1;
                y2 = y1;
                x1 = Math.max(0, x1 - 0.5);
                y1 = density(peak, rate, x1 * x1);
            }
        } else {
            while (y2 > cut) {
                x1 = x2;
                y1 = y2;
                x2 += 0.5;
                y2 = density(peak, rate, x2 * x2);
            }
        }
        return x1 + (x1 - x2) / (y1 - y2) * (cut - y1);
    }

    static double density(double[] peak, double[] rate, double r2) {
        double s = 0;
        for (int i = 0; i < peak.length; i++) s += peak[i] * Math.exp(-rate[i] * r2);
        return s;
    }
}
