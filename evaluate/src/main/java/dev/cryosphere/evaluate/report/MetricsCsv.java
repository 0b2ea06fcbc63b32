package dev.cryosphere.evaluate.report;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.util.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The loss curves of a run's metrics.csv, one per term, each with its weight. The trainer owns the columns
 * (docs/formats.md, "metrics.csv") and older run folders have fewer, so this reads them by name: x is the "epoch"
 * column (else the row number); a term's weight is the column "beta_TERM" when there is one; learning rates, segment
 * sizes, throughput and wall time are not loss terms and are left out. Every other numeric column is a curve.
 */
public final class MetricsCsv {
    private static final Set<String> NOT_TERMS = Set.of("epoch", "images_per_s", "wall_s", "training_master");

    /**
     * One loss term over the epochs.
     *
     * @param weight the term's weight (β) per epoch as recorded, or null when metrics.csv has none (the total loss,
     *               the correlation term, columns of older runs)
     */
    public record LossTerm(String name, double[] epoch, double[] value, double[] weight) {
        /** "β 0.001", "β 0 → 0.001" when the schedule changed it, "" without a weight column. */
        public String weightLabel() {
            if (weight == null) return "";
            double first = Double.NaN, last = Double.NaN;
            for (double w : weight) if (Double.isFinite(w)) { if (Double.isNaN(first)) first = w; last = w; }
            if (Double.isNaN(first)) return "";
            return first == last ? "β " + number(first) : "β " + number(first) + " → " + number(last);
        }

        /** Zero throughout: a term switched off (β = 0), nothing to plot. */
        public boolean alwaysZero() {
            for (double v : value) if (Double.isFinite(v) && v != 0) return false;
            return true;
        }

        public double first() { return firstFinite(value, false); }

        public double last() { return firstFinite(value, true); }
    }

    private MetricsCsv() {}

    /** The terms in column order; empty when the file is missing, unreadable or has no data row. */
    public static List<LossTerm> terms(Path file) {
        CsvTable t = table(file);
        if (t == null || t.size() < 1) return List.of();
        String[] header = t.header().toArray(String[]::new);
        int n = t.size();
        double[][] col = new double[header.length][n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < header.length; c++) col[c][r] = parse(t.text(r, c));
        int xCol = indexOf(header, "epoch");
        double[] x = new double[n];
        for (int r = 0; r < n; r++) x[r] = xCol >= 0 ? col[xCol][r] : r;
        List<LossTerm> out = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (!isTerm(header[c]) || !anyFinite(col[c])) continue;
            int w = indexOf(header, "beta_" + header[c]);
            out.add(new LossTerm(header[c], x, col[c], w >= 0 ? col[w] : null));
        }
        return out;
    }

    /**
     * The training master's changes over the run, from the training_master column: one "epochs A–B: NAME" per stretch
     * (empty for a file without the column). On Spark, gradient sharing turns into parameter averaging when an
     * executor is lost, and a reader of the report must see from which epoch on.
     */
    public static List<String> masterStretches(Path file) {
        CsvTable t = table(file);
        if (t == null || t.size() < 1) return List.of();
        String[] header = t.header().toArray(String[]::new);
        int m = indexOf(header, "training_master"), e = indexOf(header, "epoch");
        if (m < 0) return List.of();
        List<String> out = new ArrayList<>();
        String current = null, from = null, to = null;
        for (int r = 0; r < t.size(); r++) {
            String name = t.text(r, m), epoch = e >= 0 ? t.text(r, e) : "?";
            if (!name.equals(current)) {
                if (current != null) out.add(stretch(from, to, current));
                current = name;
                from = epoch;
            }
            to = epoch;
        }
        out.add(stretch(from, to, current));
        return out;
    }

    /** The table; null when it is missing or unreadable (older or damaged runs still get a report). */
    private static CsvTable table(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return CsvTable.read(file);
        } catch (InputException e) {
            return null;
        }
    }

    private static String stretch(String from, String to, String master) {
        return (from.equals(to) ? "epoch " + from : "epochs " + from + "–" + to) + ": " + master.replace('-', ' ');
    }

    private static boolean isTerm(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !NOT_TERMS.contains(n) && !n.startsWith("beta_") && !n.startsWith("lr_") && !n.startsWith("segment_");
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) if (header[i].equalsIgnoreCase(name)) return i;
        return -1;
    }

    private static boolean anyFinite(double[] v) {
        for (double d : v) if (Double.isFinite(d)) return true;
        return false;
    }

    private static double firstFinite(double[] v, boolean fromEnd) {
        for (int i = 0; i < v.length; i++) {
            double d = v[fromEnd ? v.length - 1 - i : i];
            if (Double.isFinite(d)) return d;
        }
        return Double.NaN;
    }

    /** Four significant digits without trailing zeros: 0.001, 1, 1e-05, -0.4121. */
    public static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
