package dev.cryosphere.evaluate.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small, dependency-free SVG charts for the self-contained HTML report: line charts (with optional horizontal guide
 * lines and custom x tick labels), scatter plots (optionally coloured by a category), histograms and grouped bar charts.
 * Every chart has labelled axes with ticks; a legend, when there is one, sits in its own column to the right of the
 * plot so that it never covers the data. Hand-written because the charts must render without a JavaScript runtime and
 * a plotting library would add a large dependency for a few hundred lines of output.
 */
public final class Svg {
    /** Colour cycle (Tableau 10), readable on white and for the common colour-vision deficiencies. */
    public static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    /** Size of the plot block (frame, ticks, axis labels, title), without the legend column. */
    public record Frame(int width, int height) {}

    public static final Frame NORMAL = new Frame(520, 340);
    /** For small multiples (one chart per loss term). */
    public static final Frame SMALL = new Frame(340, 230);

    private static final int LEFT = 64, RIGHT = 16, TOP = 28, BOTTOM = 48, LEGEND_ROW = 14, MARKED_POINTS = 30;

    /** A named series of (x, y) points. */
    public record Series(String name, double[] x, double[] y) {}

    /** A dashed horizontal reference line at {@code y}, labelled at its right end (e.g. FSC = 0.143). */
    public record Guide(double y, String label) {}

    /** An x tick at data position {@code at} with its own label (e.g. "A:120" on a residue-index axis). */
    public record Tick(double at, String label) {}

    private Svg() {}

    public static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
        return lineChart(NORMAL, title, xLabel, yLabel, series, List.of(), null);
    }

    /**
     * Line chart; {@code guides} are always inside the y range; {@code xTicks} replaces the numeric x ticks (null:
     * numeric). One series draws no legend.
     */
    public static String lineChart(Frame frame, String title, String xLabel, String yLabel, List<Series> series,
                                   List<Guide> guides, List<Tick> xTicks) {
        List<String> names = series.size() > 1 ? series.stream().map(Series::name).toList() : List.of();
        Axes a = Axes.fit(frame, series, guides, names);
        StringBuilder sb = a.open(title, xLabel, yLabel, xTicks);
        for (Guide g : guides) a.guide(sb, g);
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            String colour = PALETTE[s % PALETTE.length];
            StringBuilder pts = new StringBuilder(), markers = new StringBuilder();
            int n = 0;
            for (int i = 0; i < ser.x().length; i++) {
                if (!Double.isFinite(ser.x()[i]) || !Double.isFinite(ser.y()[i])) continue;
                String x = fmt(a.px(ser.x()[i])), y = fmt(a.py(ser.y()[i]));
                pts.append(x).append(',').append(y).append(' ');
                markers.append(String.format(Locale.ROOT, "<circle class=\"marker\" cx=\"%s\" cy=\"%s\" r=\"2.2\" fill=\"%s\"/>", x, y, colour));
                n++;
            }
            sb.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\"/>%n",
                    esc(ser.name()), colour, pts.toString().trim()));
            // a few points (a short run's epochs) read better as marked points, and a single point is visible at all
            if (n <= MARKED_POINTS) sb.append(markers).append('\n');
        }
        a.legend(sb, names);
        return sb.append("</svg>\n").toString();
    }

    /** Scatter plot; {@code category} (may be null) picks each point's colour. */
    public static String scatter(String title, String xLabel, String yLabel, double[] x, double[] y, int[] category,
                                 List<String> categoryNames) {
        List<String> names = categoryNames == null ? List.of() : categoryNames;
        Axes a = Axes.fit(NORMAL, List.of(new Series("", x, y)), List.of(), names);
        StringBuilder sb = a.open(title, xLabel, yLabel, null);
        // small translucent points so that dense regions read as density
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) continue;
            String colour = category == null ? PALETTE[0] : PALETTE[Math.floorMod(category[i], PALETTE.length)];
            sb.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%s\" cy=\"%s\" r=\"1.6\" fill=\"%s\" fill-opacity=\"0.55\"/>",
                    fmt(a.px(x[i])), fmt(a.py(y[i])), colour));
        }
        sb.append('\n');
        a.legend(sb, names);
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
        Axes a = new Axes(NORMAL, 0, lo, hi, 0, max * 1.05);
        StringBuilder sb = a.open(title, xLabel, "count", null);
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
        List<String> names = series.size() > 1 ? series.stream().map(Series::name).toList() : List.of();
        Axes a = new Axes(NORMAL, Axes.legendWidth(names), 0, n, lo, hi + (hi - lo) * 0.08);
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
        a.legend(sb, names);
        return sb.append("</svg>\n").toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Data-to-pixel mapping with "nice" tick marks, inside a {@link Frame}, with an optional legend column. */
    static final class Axes {
        final Frame frame;
        final int legendWidth;
        final double x0, x1, y0, y1;

        Axes(Frame frame, int legendWidth, double x0, double x1, double y0, double y1) {
            this.frame = frame; this.legendWidth = legendWidth;
            this.x0 = x0; this.x1 = x1; this.y0 = y0; this.y1 = y1;
        }

        /** Data range of the finite points and guide values, padded a little; a legend column for {@code legend}. */
        static Axes fit(Frame frame, List<Series> series, List<Guide> guides, List<String> legend) {
            double xl = Double.POSITIVE_INFINITY, xh = Double.NEGATIVE_INFINITY, yl = Double.POSITIVE_INFINITY, yh = Double.NEGATIVE_INFINITY;
            for (Series s : series)
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) continue;
                    xl = Math.min(xl, s.x()[i]); xh = Math.max(xh, s.x()[i]);
                    yl = Math.min(yl, s.y()[i]); yh = Math.max(yh, s.y()[i]);
                }
            if (xl > xh) { xl = 0; xh = 1; yl = 0; yh = 1; }
            for (Guide g : guides) { yl = Math.min(yl, g.y()); yh = Math.max(yh, g.y()); }
            if (xh == xl) { xl -= 0.5; xh += 0.5; }
            if (yh == yl) { yl -= 0.5; yh += 0.5; }
            double py = (yh - yl) * 0.05, pxm = (xh - xl) * 0.02;
            return new Axes(frame, legendWidth(legend), xl - pxm, xh + pxm, yl - py, yh + py);
        }

        /** Width of the legend column: swatch, gap and the longest name at about 6.5 px per character (11 px font). */
        static int legendWidth(List<String> names) {
            int longest = 0;
            for (String n : names) longest = Math.max(longest, n.length());
            return longest == 0 ? 0 : 28 + (int) Math.ceil(longest * 6.5);
        }

        double px(double x) { return LEFT + (x - x0) / (x1 - x0) * (frame.width() - LEFT - RIGHT); }

        double py(double y) { return frame.height() - BOTTOM - (y - y0) / (y1 - y0) * (frame.height() - TOP - BOTTOM); }

        int plotBottom() { return frame.height() - BOTTOM; }

        int plotRight() { return frame.width() - RIGHT; }

        /** Opening tag, title and frame; shared by every chart type. */
        private StringBuilder header(String title) {
            int w = frame.width() + legendWidth, h = frame.height();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", w, h, w, h));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    LEFT, TOP, frame.width() - LEFT - RIGHT, frame.height() - TOP - BOTTOM));
            return sb;
        }

        StringBuilder open(String title, String xLabel, String yLabel, List<Tick> xTicks) {
            return open(title, xLabel, yLabel, xTicks, true);
        }

        /** {@code yTicks} false: no value ticks (a band whose height carries no number, e.g. a domain map). */
        StringBuilder open(String title, String xLabel, String yLabel, List<Tick> xTicks, boolean yTicks) {
            StringBuilder sb = header(title);
            List<Tick> ticks = xTicks;
            if (ticks == null) {
                ticks = new ArrayList<>();
                for (double t : ticks(x0, x1)) ticks.add(new Tick(t, label(t)));
            }
            for (Tick t : ticks) {
                if (t.at() < x0 || t.at() > x1) continue;
                double x = px(t.at());
                sb.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#888\"/><text x=\"%s\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                        fmt(x), plotBottom(), fmt(x), plotBottom() + 4, fmt(x), plotBottom() + 16, esc(t.label())));
            }
            if (yTicks) yTicks(sb);
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    (LEFT + plotRight()) / 2, frame.height() - 10, esc(xLabel)));
            yLabel(sb, yLabel);
            return sb;
        }

        /** Frame, value ticks and labels of a chart whose x axis is one slot per category (labels at slot centres). */
        StringBuilder openCategorical(String title, String yLabel, List<String> categories) {
            StringBuilder sb = header(title);
            for (int c = 0; c < categories.size(); c++) {
                double x = px(c + 0.5);
                String name = categories.get(c);
                if (name.length() > 14) name = name.substring(0, 13) + "…";
                sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                        fmt(x), plotBottom() + 14, esc(name)));
            }
            yTicks(sb);
            yLabel(sb, yLabel);
            return sb;
        }

        private void yTicks(StringBuilder sb) {
            for (double t : ticks(y0, y1)) {
                double y = py(t);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#888\"/><text x=\"%d\" y=\"%s\" font-size=\"10\" text-anchor=\"end\">%s</text>%n",
                        LEFT - 4, fmt(y), LEFT, fmt(y), LEFT - 6, fmt(y + 3), label(t)));
            }
        }

        private void yLabel(StringBuilder sb, String yLabel) {
            int mid = (TOP + plotBottom()) / 2;
            sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                    mid, mid, esc(yLabel)));
        }

        void guide(StringBuilder sb, Guide g) {
            double y = py(g.y());
            sb.append(String.format(Locale.ROOT, "<line class=\"guide\" x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>"
                            + "<text x=\"%d\" y=\"%s\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">%s</text>%n",
                    LEFT, fmt(y), plotRight(), fmt(y), plotRight() - 3, fmt(y - 3), esc(g.label())));
        }

        /** Swatch and name per entry, in the column right of the plot; entries beyond the height are counted. */
        void legend(StringBuilder sb, List<String> names) {
            if (legendWidth == 0) return;
            int x = frame.width() + 4, y = TOP, rows = (plotBottom() - TOP) / LEGEND_ROW;
            for (int i = 0; i < names.size(); i++) {
                if (i == rows - 1 && names.size() > rows) {
                    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">+%d more</text>%n", x, y + 9, names.size() - i));
                    break;
                }
                if (!names.get(i).isEmpty())
                    sb.append(String.format(Locale.ROOT, "<rect class=\"swatch\" x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                            x, y, PALETTE[i % PALETTE.length], x + 14, y + 9, esc(names.get(i))));
                y += LEGEND_ROW;
            }
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
