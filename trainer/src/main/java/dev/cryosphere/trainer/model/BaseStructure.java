package dev.cryosphere.trainer.model;

import dev.cryosphere.core.format.AtomicModel;

import java.util.List;

/**
 * What the model needs of the base structure: site coordinates (flat x, y, z, Å, box-centred frame), amplitudes,
 * and the consecutive-residue pairs of the continuity loss.
 */
public record BaseStructure(double[] xyz, double[] amplitudes, int[] pairFirst, int[] pairSecond) {
    public BaseStructure {
        if (xyz.length != 3 * amplitudes.length) throw new IllegalArgumentException("need 3 coordinates per amplitude");
        if (pairFirst.length != pairSecond.length) throw new IllegalArgumentException("pair arrays differ in length");
    }

    public static BaseStructure of(AtomicModel model) {
        List<int[]> pairs = model.consecutivePairs();
        int[] a = new int[pairs.size()], b = new int[pairs.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = pairs.get(i)[0];
            b[i] = pairs.get(i)[1];
        }
        return new BaseStructure(model.coordinates(), model.amplitudes(), a, b);
    }

    /**
     * The residues {@code indices} (model order, ascending) of a model, e.g. one chain from
     * {@code model.residueRange(...)}; continuity pairs are the model's pairs with both ends selected.
     */
    public static BaseStructure of(AtomicModel model, int[] indices) {
        double[] all = model.coordinates(), amp = model.amplitudes();
        double[] xyz = new double[3 * indices.length], a = new double[indices.length];
        java.util.Map<Integer, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < indices.length; i++) {
            if (i > 0 && indices[i] <= indices[i - 1]) throw new IllegalArgumentException("indices must be ascending");
            System.arraycopy(all, 3 * indices[i], xyz, 3 * i, 3);
            a[i] = amp[indices[i]];
            position.put(indices[i], i);
        }
        List<int[]> kept = new java.util.ArrayList<>();
        for (int[] p : model.consecutivePairs()) {
            Integer x = position.get(p[0]), y = position.get(p[1]);
            if (x != null && y != null) kept.add(new int[]{x, y});
        }
        int[] first = new int[kept.size()], second = new int[kept.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = kept.get(i)[0];
            second[i] = kept.get(i)[1];
        }
        return new BaseStructure(xyz, a, first, second);
    }

    /** A single chain: every residue bonded to the next. */
    public static BaseStructure chain(double[] xyz, double[] amplitudes) {
        int n = amplitudes.length;
        int[] a = new int[Math.max(0, n - 1)], b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
            b[i] = i + 1;
        }
        return new BaseStructure(xyz, amplitudes, a, b);
    }

    public int residues() {
        return amplitudes.length;
    }
}
