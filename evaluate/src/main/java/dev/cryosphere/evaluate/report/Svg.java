package dev.cryosphere.evaluate.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small, dependency-free SVG charts for the self-contained HTML report (no network, no JavaScript): line charts,
 * scatter plots (optionally coloured by a category) and histograms. Every chart has labelled axes with ticks.
 * Hand-written because the report must open offline in any browser; a plotting library would add a JavaScript
 * runtime or a large dependency for a few hundred lines of output.
 */
public final class Svg {
    /** Colour cycle (Tableau 10), readable on white and for the common colour-vision deficiencies. */
    public static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    private static final int W = 520, H = 340, LEFT = 64, RIGHT = 16, TOP = 28, BOTTOM = 48;

    /** A named series of (x, y) points. */
    public record Series(String name, double[] x, double[] y) {}

    private Svg() {}

    public static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
        Axes a = Axes.fit(series, false);
        StringBuilder sb = a.open(title, xLabel, yLabel);
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < ser.x().length; i++) {
                if (!Double.isFinite(ser.x()[i]) || !Double.isFinite(ser.y()[i])) continue;
                pts.append(fmt(a.px(ser.x()[i]))).append(',').append(fmt(a.py(ser.y()[i]))).append(' ');
            }
            sb.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\"/>%n",
                    esc(ser.name()), PALETTE[s % PALETTE.length], pts.toString().trim()));
        }
        legend(sb, series.stream().map(Series::name).toList());
        return sb.append("</svg>\n").toString();
    }

    /** Scatter plot; {@code category} (may be null) picks each point's colour. */
    public static String scatter(String title, String xLabel, String yLabel, double[] x, double[] y, int[] category,
                                 List<String> categoryNames) {
        Axes a = Axes.fit(List.of(new Series("", x, y)), false);
        StringBuilder sb = a.open(title, xLabel, yLabel);
        // small translucent points so that dense regions read as density
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) continue;
            String colour = category == null ? PALETTE[0] : PALETTE[Math.floorMod(category[i], PALETTE.length)];
            sb.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%s\" cy=\"%s\" r=\"1.6\" fill=\"%s\" fill-opacity=\"0.55\"/>",
                    fmt(a.px(x[i])), fmt(a.py(y[i])), colour));
        }
        sb.append('\n');
        if (categoryNames != null) legend(sb, categoryNames);
        return sb.append("</svg>\n").toString();
    }

    /** Histogram of {@code values} with {@code bins} equal bins over their range. */
    public static String histogram(String title, String xLabel, double[] values, int bins) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : values) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (lo > hi) { lo = 0; hi = 1; }
        if (hi == lo) { lo -= 0.5; hi += 0.5; }
        int[] counts = new int[bins];
        for (double v : values) {
            if (!Double.isFinite(v)) continue;
            int b = (int) Math.min(bins - 1, Math.floor((v - lo) / (hi - lo) * bins));
            counts[b]++;
        }
        int max = 1;
        for (int c : counts) max = Math.max(max, c);
        Axes a = new Axes(lo, hi, 0, max * 1.05);
        StringBuilder sb = a.open(title, xLabel, "count");
        double w = (hi - lo) / bins;
        for (int b = 0; b < bins; b++) {
            double x0 = a.px(lo + b * w), x1 = a.px(lo + (b + 1) * w), y0 = a.py(counts[b]), yb = a.py(0);
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>",
                    fmt(x0), fmt(y0), fmt(Math.max(0.5, x1 - x0 - 1)), fmt(yb - y0), PALETTE[0]));
        }
        return sb.append("\n</svg>\n").toString();
    }

    /**
     * Grouped bar chart: one group per category (labelled under the axis), one bar per series in each group; a
     * series' value for category {@code c} is {@code y[c]} (a non-finite value draws no bar). The value axis starts at 0.
     */
    public static String barChart(String title, String yLabel, List<String> categories, List<Series> series) {
        double lo = 0, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) for (double v : s.y()) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (!(hi > lo)) hi = lo + 1;
        int n = Math.max(1, categories.size());
        Axes a = new Axes(0, n, lo, hi + (hi - lo) * 0.08);
        StringBuilder sb = a.openCategorical(title, yLabel, categories);
        double group = (a.px(1) - a.px(0)) * 0.8, w = group / Math.max(1, series.size());
        for (int s = 0; s < series.size(); s++) {
            double[] y = series.get(s).y();
            for (int c = 0; c < Math.min(n, y.length); c++) {
                if (!Double.isFinite(y[c])) continue;
                double x = a.px(c + 0.1) + s * w, top = a.py(Math.max(0, y[c])), bottom = a.py(Math.min(0, y[c]));
                sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-name=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>",
                        esc(series.get(s).name()), fmt(x), fmt(top), fmt(Math.max(0.5, w - 1)), fmt(Math.max(0.5, bottom - top)),
                        PALETTE[s % PALETTE.length]));
            }
        }
        sb.append('\n');
        if (series.size() > 1) legend(sb, series.stream().map(Series::name).toList());
        return sb.append("</svg>\n").toString();
    }

    private static void legend(StringBuilder sb, List<String> names) {
        int y = TOP + 6;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isEmpty()) continue;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                    W - RIGHT - 120, y, PALETTE[i % PALETTE.length], W - RIGHT - 106, y + 9, esc(names.get(i))));
            y += 14;
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Data-to-pixel mapping with "nice" tick marks. */
    static final class Axes {
        final double x0, x1, y0, y1;

        Axes(double x0, double x1, double y0, double y1) {
            this.x0 = x0; this.x1 = x1; this.y0 = y0; this.y1 = y1;
        }

        static Axes fit(List<Series> series, boolean zeroY) {
            double xl = Double.POSITIVE_INFINITY, xh = Double.NEGATIVE_INFINITY, yl = Double.POSITIVE_INFINITY, yh = Double.NEGATIVE_INFINITY;
            for (Series s : series)
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) continue;
                    xl = Math.min(xl, s.x()[i]); xh = Math.max(xh, s.x()[i]);
                    yl = Math.min(yl, s.y()[i]); yh = Math.max(yh, s.y()[i]);
                }
            if (xl > xh) { xl = 0; xh = 1; yl = 0; yh = 1; }
            if (zeroY) yl = Math.min(0, yl);
            if (xh == xl) { xl -= 0.5; xh += 0.5; }
            if (yh == yl) { yl -= 0.5; yh += 0.5; }
            double py = (yh - yl) * 0.05, pxm = (xh - xl) * 0.02;
            return new Axes(xl - pxm, xh + pxm, yl - py, yh + py);
        }

        double px(double x) { return LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT); }

        double py(double y) { return H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM); }

        StringBuilder open(String title, String xLabel, String yLabel) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", W, H, W, H));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
            for (double t : ticks(x0, x1)) {
                double x = px(t);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#888\"/><text x=\"%s\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                        fmt(x), H - BOTTOM, fmt(x), H - BOTTOM + 4, fmt(x), H - BOTTOM + 16, label(t)));
            }
            for (double t : ticks(y0, y1)) {
                double y = py(t);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#888\"/><text x=\"%d\" y=\"%s\" font-size=\"10\" text-anchor=\"end\">%s</text>%n",
                        LEFT - 4, fmt(y), LEFT, fmt(y), LEFT - 6, fmt(y + 3), label(t)));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    (LEFT + W - RIGHT) / 2, H - 10, esc(xLabel)));
            sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                    (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, esc(yLabel)));
            return sb;
        }

        /** Frame, value ticks and labels of a chart whose x axis is one slot per category (labels at slot centres). */
        StringBuilder openCategorical(String title, String yLabel, List<String> categories) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", W, H, W, H));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
            for (int c = 0; c < categories.size(); c++) {
                double x = px(c + 0.5);
                String name = categories.get(c);
                if (name.length() > 14) name = name.substring(0, 13) + "…";
                sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                        fmt(x), H - BOTTOM + 14, esc(name)));
            }
            for (double t : ticks(y0, y1)) {
                double y = py(t);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#888\"/><text x=\"%d\" y=\"%s\" font-size=\"10\" text-anchor=\"end\">%s</text>%n",
                        LEFT - 4, fmt(y), LEFT, fmt(y), LEFT - 6, fmt(y + 3), label(t)));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                    (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, esc(yLabel)));
            return sb;
        }

        /** About five round-numbered ticks inside [lo, hi]. */
        static List<Double> ticks(double lo, double hi) {
            double raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / mag < 1.5 ? mag : raw / mag < 3 ? 2 * mag : raw / mag < 7 ? 5 * mag : 10 * mag;
            List<Double> t = new ArrayList<>();
            // integer multiples of the step (an accumulated sum would drift: 0.6000000000000001)
            for (long k = (long) Math.ceil(lo / step); k * step <= hi + 1e-9 * step; k++) {
                double v = k * step;
                t.add(Double.parseDouble(String.format(Locale.ROOT, "%.12g", v)));
            }
            return t;
        }

        static String label(double v) {
            double a = Math.abs(v);
            if (a != 0 && (a >= 1e5 || a < 1e-3)) return String.format(Locale.ROOT, "%.1e", v);
            String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
