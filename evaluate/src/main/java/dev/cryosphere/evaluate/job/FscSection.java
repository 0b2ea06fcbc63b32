package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.physics.Fsc;
import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.Svg;
import dev.cryosphere.trainer.model.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Report section "FSC": the curves evaluate computes (the mean against the ground-truth maps with --truth-maps; each
 * traversal and cluster-centre map against the base structure's map unless --no-volumes), drawn with the 0.5 and
 * 0.143 thresholds, and their resolutions in Å in one table, read at the first crossing as RELION does
 * ({@link Fsc.Curve#resolutionAt}).
 */
final class FscSection {
    static final double HALF = 0.5, GOLD = 0.143;
    private static final List<Svg.Guide> THRESHOLDS = List.of(new Svg.Guide(HALF, "0.5"), new Svg.Guide(GOLD, "0.143"));
    /** More curves than this on one chart are unreadable; the table and volume_fsc.csv have all of them. */
    private static final int MAX_CURVES = 10;

    private FscSection() {}

    static void add(HtmlReport r, ModelConfig c, List<ParticleResult> rows, double[] meanFsc, List<PointTask.Result> points) {
        r.heading("FSC");
        List<List<String>> table = new ArrayList<>();
        if (meanFsc != null) {
            double[] f = new double[meanFsc.length];
            for (int s = 0; s < f.length; s++) f[s] = s / (c.box() * c.apix());
            r.figure(Svg.lineChart(Svg.NORMAL, "Mean FSC against the ground-truth maps", "frequency (1/Å)", "FSC",
                    List.of(new Svg.Series("mean", f, meanFsc)), THRESHOLDS, null), "Mean over the particles with a truth label (fsc_mean.csv).");
            double[] res = rows.stream().mapToDouble(ParticleResult::res0143).filter(Double::isFinite).toArray();
            r.figure(Svg.histogram("Per-particle resolution at FSC = 0.143", "Å", res, 30), "fsc_per_particle.csv");
            Fsc.Curve mean = new Fsc.Curve(f, meanFsc, c.box(), c.apix());
            table.add(List.of("mean against the truth maps", "", angstrom(mean.resolutionAt(HALF)), angstrom(mean.resolutionAt(GOLD))));
            double[] r05 = rows.stream().mapToDouble(ParticleResult::res05).filter(Double::isFinite).toArray();
            table.add(List.of("per particle against its truth map (median)", "", angstrom(median(r05)), angstrom(median(res))));
        }
        List<Svg.Series> curves = new ArrayList<>();
        for (PointTask.Result p : points) {
            if (p.fsc() == null) continue;
            String name = p.name().substring(p.name().indexOf('/') + 1);
            if (curves.size() < MAX_CURVES && (p.name().startsWith("traversals/pc1_") || p.name().startsWith("clusters/")))
                curves.add(new Svg.Series(name, p.frequency(), p.fsc()));
            Fsc.Curve curve = new Fsc.Curve(p.frequency(), p.fsc(), c.box(), c.apix());
            table.add(List.of(p.name() + ".mrc against the base structure's map", String.valueOf(p.particle()),
                    angstrom(curve.resolutionAt(HALF)), angstrom(curve.resolutionAt(GOLD))));
        }
        if (!curves.isEmpty())
            r.figure(Svg.lineChart(Svg.NORMAL, "FSC of decoded maps against the base structure's map", "frequency (1/Å)", "FSC",
                    curves, THRESHOLDS, null), "PC1 traversal maps first, then cluster centres, up to " + MAX_CURVES + " (volume_fsc.csv has every curve).");
        if (table.isEmpty()) {
            r.paragraph("No FSC: no truth maps (--truth-maps) and no decoded maps (--no-volumes).");
            return;
        }
        r.table(List.of("map", "particle", "FSC = 0.5 (Å)", "FSC = 0.143 (Å)"), table);
        r.paragraph("A curve that never drops below a threshold is listed at its last shell, the best this box can resolve.");
    }

    static String angstrom(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "";
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
