package dev.cryosphere.core.simulate;

import java.util.List;
import java.util.SplittableRandom;

/** A fixed list of conformations (same residues, different coordinates), each drawn with equal probability. */
public final class DiscreteConformations implements Motion {
    private final List<double[]> conformations;

    public DiscreteConformations(List<double[]> conformations) {
        if (conformations.isEmpty()) throw new IllegalArgumentException("no conformations");
        int len = conformations.get(0).length;
        for (double[] c : conformations)
            if (c.length != len) throw new IllegalArgumentException("conformations have different residue counts");
        this.conformations = List.copyOf(conformations);
    }

    public int count() { return conformations.size(); }

    @Override
    public Conformation sample(SplittableRandom rng) {
        int k = conformations.size() == 1 ? 0 : rng.nextInt(conformations.size());
        return new Conformation(conformations.get(k), k, Double.NaN);
    }
}
