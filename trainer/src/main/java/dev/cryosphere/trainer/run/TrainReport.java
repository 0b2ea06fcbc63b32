package dev.cryosphere.trainer.run;

import dev.cryosphere.core.format.AtomicModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What training tells the user on the terminal: one line per epoch with the loss and each weighted term (the
 * metrics.csv columns), and at the end the learned segments as residue ranges per chain, with a warning when the
 * segmentation did not move from its start.
 */
public final class TrainReport {
    private TrainReport() {}

    /**
     * {@code train: epoch 3/300 loss -0.29411 | correlation -0.2974 kl_latent 0.0213 ... | 35.5 images/s, ETA 1h02m}:
     * {@code terms} as {@link LossProbe#terms} ({correlation, then {@link LossProbe#TERMS}}, weighted, on the epoch's
     * first batch); {@code extra} (nullable) is appended after the rate.
     */
    public static String epochLine(int epoch, int epochs, double loss, double[] terms, double imagesPerSecond,
                                   double etaSeconds, String extra) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "train: epoch %d/%d loss %.5f |", epoch + 1, epochs, loss));
        if (terms != null) {
            sb.append(" correlation ").append(term(terms[0]));
            for (int i = 0; i < LossProbe.TERMS.length && i + 1 < terms.length; i++)
                sb.append(' ').append(LossProbe.TERMS[i]).append(' ').append(term(terms[i + 1]));
            sb.append(" |");
        }
        sb.append(String.format(Locale.ROOT, " %.1f images/s", imagesPerSecond));
        if (extra != null && !extra.isEmpty()) sb.append(' ').append(extra);
        if (epoch + 1 < epochs) sb.append(", ETA ").append(duration(etaSeconds));
        return sb.toString();
    }

    private static String term(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String duration(double s) {
        if (!Double.isFinite(s)) return "?";
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60)
                : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }

    /** The segment (0-based) each residue belongs to: argmax of its weights; -1 for a row of zeros (outside every part). */
    public static int[] owners(double[][] weights) {
        int[] owner = new int[weights.length];
        for (int r = 0; r < weights.length; r++) {
            int best = -1;
            double max = 0;
            for (int k = 0; k < weights[r].length; k++) if (weights[r][k] > max) { max = weights[r][k]; best = k; }
            owner[r] = best;
        }
        return owner;
    }

    /**
     * Residue ranges per segment, in author numbering: a range is a run of residues of one chain, in model order, in
     * the same segment; a segment split in several pieces or over several chains lists each piece. A numbering gap
     * (residues missing from the model) inside a segment does not split its range, as the segmentation runs over the
     * model's residue index: A:5-111 may have no 107-108.
     */
    public static List<List<String>> ranges(AtomicModel model, int[] owner, int segments) {
        List<List<String>> out = new ArrayList<>();
        for (int k = 0; k < segments; k++) out.add(new ArrayList<>());
        int start = 0;
        for (int i = 1; i <= model.size(); i++) {
            if (i < model.size() && owner[i] == owner[start] && model.chain(i).equals(model.chain(start))) continue;
            int k = owner[start];
            if (k >= 0 && k < segments) out.get(k).add(label(model, start, i - 1));
            start = i;
        }
        return out;
    }

    /** {@code segments: 1 A:1-121  2 A:122-159  3 A:160-214} (1-based segments, pieces joined by ','; "empty" if none). */
    public static String segmentsLine(AtomicModel model, int[] owner, int segments) {
        List<List<String>> r = ranges(model, owner, segments);
        StringBuilder sb = new StringBuilder("segments:");
        for (int k = 0; k < segments; k++) {
            sb.append(k == 0 ? " " : "  ").append(k + 1).append(' ');
            sb.append(r.get(k).isEmpty() ? "empty" : String.join(",", r.get(k)));
        }
        return sb.toString();
    }

    private static String label(AtomicModel m, int from, int to) {
        String a = residue(m, from);
        return from == to ? m.chain(from) + ":" + a : m.chain(from) + ":" + a + "-" + residue(m, to);
    }

    private static String residue(AtomicModel m, int i) {
        char ic = m.insertionCode(i);
        return m.residueNumber(i) + (ic == ' ' || ic == 0 ? "" : String.valueOf(ic));
    }

    /**
     * How far the segment boundaries moved, in residues, between two segmentations of the same residues (in index
     * order): the longest run of consecutive residues whose segment changed (0 when none did). A boundary that slid by n
     * residues gives n; a segment that vanished or appeared gives about its length.
     */
    public static int boundaryShift(int[] before, int[] after) {
        int worst = 0, run = 0;
        for (int i = 0; i < before.length; i++) {
            run = before[i] == after[i] ? 0 : run + 1;
            worst = Math.max(worst, run);
        }
        return worst;
    }
}
