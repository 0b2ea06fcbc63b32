package dev.cryosphere.core.util;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A periodic progress line for long work: count, rate and ETA, at most one line every {@code intervalMs}, and a final
 * line from {@link #finish()}. Thread-safe: workers call {@link #update(long)} with the total done so far.
 */
public final class Progress {
    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final long intervalMs;
    private final long startNs = System.nanoTime();
    private long lastPrintMs;
    private long done;

    public Progress(String label, String unit, long total, PrintStream out, long intervalMs) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.intervalMs = intervalMs;
        this.lastPrintMs = System.currentTimeMillis();
    }

    public Progress(String label, String unit, long total) {
        this(label, unit, total, System.err, 2000);
    }

    public synchronized void update(long doneSoFar) {
        done = Math.max(done, doneSoFar);
        long now = System.currentTimeMillis();
        if (now - lastPrintMs >= intervalMs && done < total) {
            lastPrintMs = now;
            out.println(line());
        }
    }

    public synchronized double seconds() {
        return (System.nanoTime() - startNs) / 1e9;
    }

    public synchronized double rate() {
        double s = seconds();
        return s > 0 ? done / s : 0;
    }

    /** Prints the final line and returns the elapsed seconds. */
    public synchronized double finish() {
        double s = seconds();
        out.println(String.format(Locale.ROOT, "%s: %d %s in %.1f s (%.0f %s/s)", label, done, unit, s, rate(), unit));
        return s;
    }

    private String line() {
        double r = rate();
        double eta = r > 0 ? (total - done) / r : Double.NaN;
        return String.format(Locale.ROOT, "%s: %d/%d %s (%.0f%%), %.0f %s/s, ETA %s", label, done, total, unit,
                100.0 * done / Math.max(1, total), r, unit, formatSeconds(eta));
    }

    static String formatSeconds(double s) {
        if (Double.isNaN(s)) return "?";
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60)
                : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }
}
