package dev.cryosphere.evaluate.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loss curves of a run's metrics.csv as chart series. The trainer owns the columns, so this reads them
 * generically: x is the "epoch" column (else the row number); the series are the columns whose name contains "loss"
 * (else every other numeric column).
 */
public final class MetricsCsv {
    private MetricsCsv() {}

    public static List<Svg.Series> lossCurves(Path file) {
        if (!Files.isRegularFile(file)) return List.of();
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
        if (lines.size() < 2) return List.of();
        String[] header = lines.get(0).split(",");
        int xCol = -1;
        for (int i = 0; i < header.length; i++) if (header[i].trim().equalsIgnoreCase("epoch")) xCol = i;
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < header.length; i++) if (i != xCol && header[i].toLowerCase().contains("loss")) cols.add(i);
        if (cols.isEmpty()) for (int i = 0; i < header.length; i++) if (i != xCol) cols.add(i);
        int n = lines.size() - 1;
        double[] x = new double[n];
        double[][] y = new double[header.length][n];
        for (int r = 0; r < n; r++) {
            String[] f = lines.get(r + 1).split(",");
            x[r] = xCol >= 0 && xCol < f.length ? parse(f[xCol]) : r;
            for (int c : cols) y[c][r] = c < f.length ? parse(f[c]) : Double.NaN;
        }
        List<Svg.Series> out = new ArrayList<>();
        for (int c : cols) {
            boolean any = false;
            for (double v : y[c]) any |= Double.isFinite(v);
            if (any) out.add(new Svg.Series(header[c].trim(), x, y[c]));
        }
        return out;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
