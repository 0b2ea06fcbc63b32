package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.ResidueSelection;
import dev.cryosphere.core.util.InputException;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A domain distance {@code NAME=SEL1,SEL2}: the distance (Å) between the centroids of two residue selections in each
 * particle's structure. Resolved against the base structure on the driver, so a bad selection fails before any work.
 */
public record DistanceSpec(String name, String first, String second, int[] a, int[] b) implements Serializable {
    private static final Pattern SPEC = Pattern.compile("([A-Za-z0-9_.-]+)=([^,]+),([^,]+)");

    public static DistanceSpec parse(String text, AtomicModel base) {
        Matcher m = SPEC.matcher(text == null ? "" : text.trim());
        if (!m.matches())
            throw new InputException(null, "--distance '" + text + "'", "expected NAME=SEL1,SEL2 (e.g. lid=A:122-159,A:1-29)");
        int[] a = ResidueSelection.parse(m.group(2)).indices(base);
        int[] b = ResidueSelection.parse(m.group(3)).indices(base);
        return new DistanceSpec(m.group(1), m.group(2).trim(), m.group(3).trim(), a, b);
    }

    /** Centroid distance in flat coordinates {@code xyz}. */
    public double measure(double[] xyz) {
        double[] ca = centroid(xyz, a), cb = centroid(xyz, b);
        double dx = ca[0] - cb[0], dy = ca[1] - cb[1], dz = ca[2] - cb[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    private static double[] centroid(double[] xyz, int[] idx) {
        double[] c = new double[3];
        for (int i : idx) for (int d = 0; d < 3; d++) c[d] += xyz[3 * i + d] / idx.length;
        return c;
    }
}
