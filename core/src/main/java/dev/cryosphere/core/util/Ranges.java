package dev.cryosphere.core.util;

/** Parses "MIN:MAX" option values (a single number means MIN = MAX). */
public final class Ranges {
    private Ranges() {}

    public static double[] parse(String option, String text) {
        String[] p = text.split(":");
        try {
            if (p.length == 1) { double v = Double.parseDouble(p[0]); return new double[]{v, v}; }
            if (p.length == 2) {
                double a = Double.parseDouble(p[0]), b = Double.parseDouble(p[1]);
                if (b < a) throw new InputException(null, option, "empty range " + text + " (MIN must be <= MAX)");
                return new double[]{a, b};
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new InputException(null, option, "expected MIN:MAX, got '" + text + "'");
    }
}
