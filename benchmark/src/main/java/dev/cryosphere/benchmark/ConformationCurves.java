package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.evaluate.report.Svg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The per-conformation FSC curves of an entry (NAME/cryobench/fsc_per_conformation.csv, CryoBenchScoring) as chart series. */
final class ConformationCurves {
    private ConformationCurves() {}

    /** One series per conformation, in conformation order: FSC (masked or not) against pixres (1/px). */
    static List<Svg.Series> read(Path csv, boolean masked) {
        CsvTable t = CsvTable.read(csv);
        Map<Long, List<double[]>> points = new TreeMap<>();
        for (int i = 0; i < t.size(); i++)
            points.computeIfAbsent(t.integer(i, "conformation"), k -> new ArrayList<>())
                    .add(new double[]{t.number(i, "pixres"), t.number(i, masked ? "fsc_masked" : "fsc")});
        List<Svg.Series> series = new ArrayList<>();
        for (Map.Entry<Long, List<double[]>> e : points.entrySet()) {
            List<double[]> p = e.getValue();
            double[] x = new double[p.size()], y = new double[p.size()];
            for (int i = 0; i < p.size(); i++) {
                x[i] = p.get(i)[0];
                y[i] = p.get(i)[1];
            }
            series.add(new Svg.Series(String.format(Locale.ROOT, "conformation %d", e.getKey()), x, y));
        }
        return series;
    }
}
