package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.MetricsCsv;
import dev.cryosphere.evaluate.report.Svg;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.RunLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** EVAL/report.html: one self-contained page (inline SVG, no scripts) with every figure of the evaluation. */
final class EvaluationReport {
    private EvaluationReport() {}

    static void write(Path dir, EvaluateOptions o, Inputs in, List<ParticleResult> rows, Analysis a, double[] meanFsc,
                      List<PointTask.Result> points, List<String> notes, String throughput) {
        ModelConfig c = in.model().config();
        HtmlReport r = new HtmlReport("cryoSPHERE evaluation");
        r.paragraph(String.format(Locale.ROOT, "Run %s (checkpoint epoch %d), dataset %s: %s. Latent dimension %d, %d segments, box %d px at %.3f Å.",
                o.run, in.model().epoch(), o.data, throughput, c.latentDim(), c.segments(), c.box(), c.apix()));
        for (String n : notes) r.paragraph(n);

        r.heading("Training");
        List<Svg.Series> loss = MetricsCsv.lossCurves(new RunLayout(o.run).metrics());
        if (loss.isEmpty()) r.paragraph("The run has no metrics.csv with numeric columns.");
        else r.figure(Svg.lineChart("Loss curves", "epoch", "value", loss), "From " + new RunLayout(o.run).metrics());

        r.heading("Latent space");
        double[] pc1 = column(a.projection(), 0), pc2 = a.z()[0].length > 1 ? column(a.projection(), 1) : new double[pc1.length];
        List<String> names = new ArrayList<>();
        for (int j = 0; j < a.clusters(); j++) names.add("cluster " + j);
        r.figure(Svg.scatter("Latent PCA, coloured by k-means cluster", "PC1", "PC2", pc1, pc2, a.kmeans().assignment(), names),
                "Encoder means of every particle projected on the first two principal components.");
        r.figure(Svg.histogram("Density along PC1", "PC1", pc1, 40), "Particles per PC1 bin.");

        if (!in.distances().isEmpty()) {
            r.heading("Domain distances");
            for (int k = 0; k < in.distances().size(); k++) {
                DistanceSpec d = in.distances().get(k);
                double[] v = new double[rows.size()];
                for (int i = 0; i < v.length; i++) v[i] = rows.get(i).distances()[k];
                r.figure(Svg.histogram("Distance " + d.name(), "Å", v, 40),
                        "Centroid distance between " + d.first() + " and " + d.second() + " per particle.");
            }
        }

        r.heading("FSC");
        if (meanFsc != null) {
            double[] f = new double[meanFsc.length];
            for (int s = 0; s < f.length; s++) f[s] = s / (c.box() * c.apix());
            r.figure(Svg.lineChart("Mean FSC against the ground-truth maps", "frequency (1/Å)", "FSC",
                    List.of(new Svg.Series("mean", f, meanFsc))), "Mean over particles with a truth label (fsc_mean.csv).");
            double[] res = rows.stream().mapToDouble(ParticleResult::res0143).toArray();
            r.figure(Svg.histogram("Per-particle resolution at FSC = 0.143", "Å", res, 30), "fsc_per_particle.csv");
        }
        List<Svg.Series> vol = new ArrayList<>();
        for (PointTask.Result p : points)
            if (p.fsc() != null && (p.name().startsWith("traversals/pc1_") || p.name().startsWith("clusters/")) && vol.size() < 10)
                vol.add(new Svg.Series(p.name().substring(p.name().indexOf('/') + 1), p.frequency(), p.fsc()));
        if (!vol.isEmpty())
            r.figure(Svg.lineChart("FSC of decoded maps against the base structure's map", "frequency (1/Å)", "FSC", vol),
                    "PC1 traversal maps (volume_fsc.csv has all of them).");
        if (meanFsc == null && vol.isEmpty()) r.paragraph("No volumes (--no-volumes) and no truth maps.");

        r.heading("Segmentation");
        double[][] w = in.model().segmentation(null);
        List<Svg.Series> seg = new ArrayList<>();
        double[] x = new double[w.length];
        for (int i = 0; i < x.length; i++) x[i] = i;
        for (int k = 0; k < w[0].length; k++) seg.add(new Svg.Series("segment " + k, x, column(w, k)));
        r.figure(Svg.lineChart("Segment membership along the sequence", "residue (index)", "weight", seg),
                "Mean segmentation of the GMM (segmentation.csv).");

        r.heading("Outputs");
        r.table(List.of("file", "what"), outputs(dir));
        r.write(dir.resolve("report.html"));
    }

    private static double[] column(double[][] m, int k) {
        double[] v = new double[m.length];
        for (int i = 0; i < m.length; i++) v[i] = m[i][k];
        return v;
    }

    private static List<List<String>> outputs(Path dir) {
        List<List<String>> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) continue;
                if (Files.isDirectory(p) && !name.endsWith(".parquet")) {
                    long n;
                    try (Stream<Path> f = Files.list(p)) { n = f.count(); }
                    rows.add(List.of("link:" + name + "/", n + " files"));
                } else {
                    rows.add(List.of("link:" + name, Files.isDirectory(p) ? "Parquet table" : Files.size(p) + " bytes"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.add(List.of("report.html", "this report"));
        return rows;
    }
}
