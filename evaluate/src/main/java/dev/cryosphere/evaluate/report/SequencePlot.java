package dev.cryosphere.evaluate.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-residue values along the model's sequence, labelled the way a structural biologist reads them: ticks say
 * "chain:residue number" (author numbering, gaps and insertion codes as in the model), not the model's 0-based residue
 * index, and a vertical line marks where a new chain starts. Two figures: the segment membership weights, and a strip
 * coloured by the segment each residue belongs to (a domain map).
 */
public final class SequencePlot {
    /** Full page width: a sequence of a few hundred residues needs it. */
    static final Svg.Frame WIDE = new Svg.Frame(1000, 300);
    static final Svg.Frame STRIP = new Svg.Frame(1000, 110);

    /**
     * The residues in model order.
     *
     * @param chain  chain id per residue
     * @param number author residue number per residue
     * @param label  residue number with its insertion code, e.g. "52A"
     */
    public record Residues(String[] chain, int[] number, String[] label) {
        public int size() { return chain.length; }

        String name(int i) { return chain[i] + ":" + label[i]; }
    }

    private SequencePlot() {}

    /** Weight of each segment per residue ({@code weights[residue][segment]}), one curve per segment. */
    public static String membership(String title, Residues r, double[][] weights, List<String> segmentNames) {
        double[] x = indices(r.size());
        List<Svg.Series> series = new ArrayList<>();
        for (int k = 0; k < segmentNames.size(); k++) {
            double[] y = new double[r.size()];
            for (int i = 0; i < y.length; i++) y[i] = weights[i][k];
            series.add(new Svg.Series(segmentNames.get(k), x, y));
        }
        Svg.Axes a = new Svg.Axes(WIDE, Svg.Axes.legendWidth(segmentNames), -0.5, r.size() - 0.5, 0, 1.05);
        StringBuilder sb = a.open(title, "residue (chain:number)", "weight", ticks(r, 12));
        chainStarts(sb, a, r);
        for (int s = 0; s < series.size(); s++) {
            StringBuilder pts = new StringBuilder();
            double[] y = series.get(s).y();
            for (int i = 0; i < y.length; i++)
                if (Double.isFinite(y[i])) pts.append(Svg.fmt(a.px(x[i]))).append(',').append(Svg.fmt(a.py(y[i]))).append(' ');
            sb.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                    Svg.esc(series.get(s).name()), Svg.PALETTE[s % Svg.PALETTE.length], pts.toString().trim()));
        }
        a.legend(sb, segmentNames);
        return sb.append("</svg>\n").toString();
    }

    /**
     * One coloured cell per residue: the segment that owns it ({@code owner[i]}, -1: none, grey). The cells carry the
     * segment's name (or number, where narrow) instead of a legend, which would not fit the strip's height.
     */
    public static String strip(String title, Residues r, int[] owner, List<String> segmentNames) {
        Svg.Axes a = new Svg.Axes(STRIP, 0, -0.5, r.size() - 0.5, 0, 1);
        StringBuilder sb = a.open(title, "residue (chain:number)", "", ticks(r, 12), false);
        // one rectangle per run of residues with the same owner and chain, not per residue: a few elements, no seams
        int start = 0;
        for (int i = 1; i <= r.size(); i++) {
            if (i < r.size() && owner[i] == owner[start] && r.chain()[i].equals(r.chain()[start])) continue;
            double x0 = a.px(start - 0.5), x1 = a.px(i - 0.5);
            String colour = owner[start] < 0 ? "#dddddd" : Svg.PALETTE[owner[start] % Svg.PALETTE.length];
            String name = owner[start] < 0 ? "none" : segmentNames.get(owner[start]);
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-name=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"><title>%s %s–%s</title></rect>%n",
                    Svg.esc(name), Svg.fmt(x0), Svg.fmt(a.py(1)), Svg.fmt(Math.max(0.5, x1 - x0)), Svg.fmt(a.py(0) - a.py(1)), colour,
                    Svg.esc(name), Svg.esc(r.name(start)), Svg.esc(r.name(i - 1))));
            String text = x1 - x0 > 6.5 * name.length() + 8 ? name : x1 - x0 > 16 && owner[start] >= 0 ? String.valueOf(owner[start]) : "";
            if (!text.isEmpty())
                sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" font-size=\"11\" text-anchor=\"middle\" fill=\"#fff\">%s</text>%n",
                        Svg.fmt((x0 + x1) / 2), Svg.fmt((a.py(0) + a.py(1)) / 2 + 4), Svg.esc(text)));
            start = i;
        }
        chainStarts(sb, a, r);
        return sb.append("</svg>\n").toString();
    }

    /**
     * About {@code target} ticks at round residue numbers (multiples of 1, 2, 5, 10, 20, 25, 50, …): the first residue
     * of each chain with a number divisible by the step, then every later one that is.
     */
    static List<Svg.Tick> ticks(Residues r, int target) {
        int[] steps = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000};
        List<Svg.Tick> best = List.of();
        for (int step : steps) {
            List<Svg.Tick> t = new ArrayList<>();
            for (int i = 0; i < r.size(); i++)
                if (Math.floorMod(r.number()[i], step) == 0 && (i == 0 || r.number()[i] != r.number()[i - 1] || !r.chain()[i].equals(r.chain()[i - 1])))
                    t.add(new Svg.Tick(i, r.name(i)));
            best = t;
            if (t.size() <= target) break;
        }
        return best;
    }

    private static void chainStarts(StringBuilder sb, Svg.Axes a, Residues r) {
        for (int i = 0; i < r.size(); i++) {
            if (i > 0 && r.chain()[i].equals(r.chain()[i - 1])) continue;
            double x = a.px(i - 0.5);
            if (i > 0)
                sb.append(String.format(Locale.ROOT, "<line class=\"chain-start\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%d\" stroke=\"#333\"/>",
                        Svg.fmt(x), Svg.fmt(a.py(a.y1)), Svg.fmt(x), a.plotBottom()));
            sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" font-size=\"10\" fill=\"#333\">chain %s</text>%n",
                    Svg.fmt(x + 3), Svg.fmt(a.py(a.y1) + 11), Svg.esc(r.chain()[i])));
        }
    }

    private static double[] indices(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }
}
