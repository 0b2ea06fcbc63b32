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
