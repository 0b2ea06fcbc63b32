package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.trainer.model.ModelConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The CSV outputs of `evaluate` (columns: docs/user-guide.md, "evaluate"). */
final class Tables {
    private Tables() {}

    static void write(Path dir, Inputs in, List<ParticleResult> rows, Analysis a, double[] meanFsc, List<PointTask.Result> points) {
        int l = rows.get(0).z().length;
        List<String> h = new ArrayList<>(List.of("particle_index", "image_name"));
        h.addAll(Csv.numbered("z", l));
        try (Csv c = new Csv(dir.resolve("latents.csv"), h)) {
            for (ParticleResult r : rows) c.row(r.index(), r.imageName(), r.z());
        }
        h = new ArrayList<>(List.of("component", "explained_variance", "explained_variance_ratio"));
        h.addAll(Csv.numbered("loading_z", l));
        try (Csv c = new Csv(dir.resolve("pca.csv"), h)) {
            double[] v = a.pca().explainedVariance(), ratio = a.pca().explainedVarianceRatio();
            for (int k = 0; k < l; k++) c.row("pc" + (k + 1), v[k], ratio[k], a.pca().component(k));
        }
        h = new ArrayList<>(List.of("particle_index", "cluster"));
        for (int k = 0; k < l; k++) h.add("pc" + (k + 1));
        try (Csv c = new Csv(dir.resolve("clusters.csv"), h)) {
            for (int i = 0; i < rows.size(); i++) c.row(rows.get(i).index(), a.kmeans().assignment()[i], a.projection()[i]);
        }
        h = new ArrayList<>(List.of("cluster", "particles", "nearest_particle"));
        h.addAll(Csv.numbered("z", l));
        try (Csv c = new Csv(dir.resolve("cluster_centres.csv"), h)) {
            for (int j = 0; j < a.clusters(); j++) {
                int n = 0;
                for (int x : a.kmeans().assignment()) if (x == j) n++;
                c.row(j, n, a.particles()[a.centreRows()[j]], a.kmeans().centres()[j]);
            }
        }
        h = new ArrayList<>(List.of("name", "pc", "step", "particle_index"));
        h.addAll(Csv.numbered("z", l));
        try (Csv c = new Csv(dir.resolve("traversals.csv"), h)) {
            for (int pc = 0; pc < a.traversals().length; pc++)
                for (int s = 0; s < a.traversals()[pc].length; s++) {
                    int row = a.traversals()[pc][s];
                    c.row(Analysis.traversalName(pc, s), pc + 1, s, a.particles()[row], a.z()[row]);
                }
        }
        if (!in.distances().isEmpty()) {
            h = new ArrayList<>(List.of("particle_index"));
            for (DistanceSpec d : in.distances()) h.add(d.name());
            try (Csv c = new Csv(dir.resolve("distances.csv"), h)) {
                for (ParticleResult r : rows) c.row(r.index(), r.distances());
            }
        }
        ModelConfig cfg = in.model().config();
        if (meanFsc != null) {
            try (Csv c = new Csv(dir.resolve("fsc_per_particle.csv"), List.of("particle_index", "res_0.5", "res_0.143", "auc"))) {
                for (ParticleResult r : rows) if (Double.isFinite(r.auc())) c.row(r.index(), r.res05(), r.res0143(), r.auc());
            }
            try (Csv c = new Csv(dir.resolve("fsc_mean.csv"), List.of("shell", "frequency", "resolution", "fsc"))) {
                for (int s = 0; s < meanFsc.length; s++) {
                    double f = s / (cfg.box() * cfg.apix());
                    c.row(s, f, s == 0 ? Double.NaN : 1 / f, meanFsc[s]);
                }
            }
        }
        if (points.stream().anyMatch(p -> p.fsc() != null)) {
            try (Csv c = new Csv(dir.resolve("volume_fsc.csv"), List.of("name", "particle_index", "shell", "frequency", "fsc"))) {
                for (PointTask.Result p : points)
                    for (int s = 0; s < p.fsc().length; s++) c.row(p.name(), p.particle(), s, p.frequency()[s], p.fsc()[s]);
            }
        }
        AtomicModel base = in.model().baseModel();
        double[][] w = in.model().segmentation(null);
        h = new ArrayList<>(List.of("residue", "chain", "residue_number", "segment"));
        h.addAll(Csv.numbered("w", w[0].length));
        try (Csv c = new Csv(dir.resolve("segmentation.csv"), h)) {
            for (int r = 0; r < w.length; r++) c.row(r, base.chain(r), base.residueNumber(r), argmax(w[r]), w[r]);
        }
    }

    static int argmax(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    static String fmt(double v) { return String.format(Locale.ROOT, "%.3f", v); }
}
