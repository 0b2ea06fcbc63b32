package dev.cryosphere.benchmark;

import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.Svg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** benchmark.csv, benchmark.html and the summary printed at the end of `cryosphere benchmark`. */
final class BenchmarkReport {
    private BenchmarkReport() {}

    static List<String> values(Benchmark.Row r, String version) {
        BenchmarkSpec.Entry e = r.entry;
        BenchmarkTruth.Scores s = r.scores;
        List<String> v = new ArrayList<>(List.of(e.name(), r.status, version, e.motionLabel(),
                e.structureLabel(), String.valueOf(e.nParticles()), String.valueOf(e.box()), Benchmark.num(e.apix()),
                Double.isNaN(e.snr()) ? "" : Benchmark.num(e.snr()), String.valueOf(e.seed()), r.epochs == null ? "" : String.valueOf(r.epochs),
                e.master(), e.trainMaster()));
        if (s == null) {
            for (int i = 0; i < 15; i++) v.add("");
            v.add("");
        } else {
            v.addAll(List.of(f(s.spearman(), 4), f(s.kmeansAccuracy(), 4), f(s.segmentSeparation(), 4),
                    f(s.distanceSpearman(), 4), f(s.r2(), 4), f(s.r2Second(), 4), f(s.separationSecond(), 4),
                    String.valueOf(s.compared()), f(s.res05(), 3),
                    f(s.res0143(), 3), f(s.auc(), 5), f(s.baseRes0143(), 3), f(s.baseAuc(), 5), f(s.rmsd(), 3),
                    f(s.baseRmsd(), 3), f(s.imagesPerSecond(), 2)));
        }
        v.add(s == null ? "" : f(s.loss(), 5));
        v.addAll(List.of(f(r.simulate, 2), f(r.ingest, 2), f(r.train, 2), f(r.evaluate, 2), f(r.wall, 2)));
        CryoBenchScoring.Result c = s == null ? null : s.cryobench();
        if (c == null) {
            for (int i = 0; i < 14; i++) v.add("");
        } else {
            v.addAll(List.of(c.images() == 0 ? "" : String.valueOf(c.images()), f(c.auc(), 5), f(c.aucMasked(), 5),
                    f(c.res05(), 3), f(c.res0143(), 3), f(c.res05Masked(), 3), f(c.res0143Masked(), 3),
                    c.conformations() == 0 ? "" : String.valueOf(c.conformations()), f(c.confAuc(), 5),
                    f(c.confAucMasked(), 5), f(c.confRes0143(), 3), f(c.confRes0143Masked(), 3), f(c.neighbourSmall(), 4),
                    f(c.neighbourLarge(), 4)));
        }
        RunSettings t = r.settings;
        if (t == null) for (int i = 0; i < 5; i++) v.add("");
        else v.addAll(List.of(t.preset(), String.valueOf(t.segments()), String.valueOf(t.latentDim()),
                String.valueOf(t.batchSize()), String.valueOf(t.seed())));
        return v;
    }

    static void writeCsv(Path file, List<Benchmark.Row> rows, String version) throws IOException {
        try (var out = dev.cryosphere.core.format.CsvTable.printer(Files.newBufferedWriter(file))) {
            out.printRecord(Benchmark.COLUMNS);
            for (Benchmark.Row r : rows) out.printRecord(values(r, version));
        }
    }

    private static String f(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "";
    }

    /** {@code out}: the benchmark's folder, with each entry's cryobench/ curves. */
    static void writeHtml(Path file, Path out, BenchmarkSpec spec, List<Benchmark.Row> rows, String version) throws IOException {
        HtmlReport h = new HtmlReport(spec.title);
        long ok = rows.stream().filter(Benchmark.Row::ok).count();
        h.paragraph(String.format(Locale.ROOT, "%d entr%s (%d completed) from %s, cryosphere-spark %s. Each entry simulated "
                        + "a particle set with a known motion (or took an external set or a dataset with its truth), "
                        + "ingested, trained and evaluated it; scores compare the evaluation with the truth.", rows.size(), rows.size() == 1 ? "y" : "ies", ok,
                spec.file.getFileName(), version));

        h.heading("Entries");
        List<List<String>> table = new ArrayList<>();
        for (Benchmark.Row r : rows) {
            List<String> v = values(r, version);
            List<String> t = new ArrayList<>(List.of(v.get(0), v.get(1), v.get(3), v.get(5), v.get(6), v.get(8), v.get(10),
                    v.get(13).isEmpty() ? v.get(14).isEmpty() ? "" : "acc " + v.get(14) : v.get(13),
                    v.get(17), v.get(19), v.get(18), v.get(20), v.get(21), v.get(22), v.get(23), v.get(29)));
            t.add(r.scores == null ? "" : "link:" + r.entry.name() + "/eval/report.html");
            table.add(t);
        }
        h.table(List.of("entry", "status", "motion", "particles", "box", "SNR", "epochs", "|Spearman| PC1 / k-means acc.",
                "res 0.143 (Å)", "base res 0.143", "AUC", "base AUC", "RMSD (Å)", "base RMSD", "images/s", "wall (s)",
                "evaluation"), table);
        h.paragraph("Full table with every column: benchmark.csv. Resolutions and RMSD are medians over the compared "
                + "particles, AUC a mean; \"base\" is the unmoved base structure scored against the same truth.");

        h.heading("Side by side");
        h.table(sideBySideHeader(rows), sideBySide(rows, version));
        h.paragraph("Settings as each run resolved them (preset, K = segments, latent dimension, batch size and seed "
                + "from the run's config.json and run.json); CryoBench scores as in the table of benchmark.csv.");

        List<String> names = rows.stream().map(r -> r.entry.name()).toList();
        h.heading("Scores");
        h.figure(Svg.barChart("Latent vs truth", "score (0…1)", names, List.of(
                series("|Spearman| (hinge)", rows, s -> s.spearman()),
                series("k-means acc.", rows, s -> s.kmeansAccuracy()),
                series("segment separation", rows, s -> s.segmentSeparation()),
                series("|Spearman| distance", rows, s -> s.distanceSpearman()))),
                "Hinge entries: |Spearman| of latent PC1 against the true angle; segment separation = fraction of the moving "
                        + "residues in segments that are at least 90 % moving residues; |Spearman| of the first --distance "
                        + "against the true angle. Discrete entries: k-means accuracy.");
        h.figure(Svg.barChart("CA-RMSD to the true structures (median)", "Å", names, List.of(
                series("model", rows, s -> s.rmsd()), series("base structure", rows, s -> s.baseRmsd()))),
                "Per-particle predicted structure vs the simulator's structure of that particle, no superposition.");
        h.figure(Svg.barChart("FSC against the true maps: AUC (mean)", "AUC", names, List.of(
                series("model", rows, s -> s.auc()), series("base structure", rows, s -> s.baseAuc()))),
                "Area under the per-particle FSC curve (cycles/pixel, 0…0.5), as CryoBench.");
        h.figure(Svg.barChart("CryoBench FSC AUC (|FSC|, per image, mean)", "AUC", names, List.of(
                cbSeries("no mask", rows, CryoBenchScoring.Result::auc),
                cbSeries("soft mask from the truth", rows, CryoBenchScoring.Result::aucMasked),
                cbSeries("per conformation, no mask", rows, CryoBenchScoring.Result::confAuc),
                cbSeries("per conformation, masked", rows, CryoBenchScoring.Result::confAucMasked))),
                "CryoBench's convention (get_fsc_curve shells, area under |FSC| over 0…(N/2−1)/N cycles/pixel; identical maps "
                        + "score (N/2−1)/N); each entry's cryobench/ folder has the per-image table, the per-conformation "
                        + "curves and the mask.");
        h.figure(Svg.barChart("Resolution at FSC 0.143 (median)", "Å", names, List.of(
                series("model", rows, s -> s.res0143()), series("base structure", rows, s -> s.baseRes0143()))),
                "Lower is better.");

        h.heading("Throughput and time");
        h.figure(Svg.barChart("Training throughput (last epoch)", "images/s", names, List.of(
                series("images/s", rows, s -> s.imagesPerSecond()))), "From each run's metrics.csv.");
        h.figure(Svg.barChart("Wall time per stage", "s", names, List.of(
                new Svg.Series("simulate", null, rows.stream().mapToDouble(r -> r.simulate).toArray()),
                new Svg.Series("ingest", null, rows.stream().mapToDouble(r -> r.ingest).toArray()),
                new Svg.Series("train", null, rows.stream().mapToDouble(r -> r.train).toArray()),
                new Svg.Series("evaluate", null, rows.stream().mapToDouble(r -> r.evaluate).toArray()))),
                "Each stage's command, Spark start included.");

        boolean anyScatter = false;
        for (Benchmark.Row r : rows) {
            if (r.scores == null || r.angle == null || r.entry.scoredByLabels()) continue;
            if (!anyScatter) h.heading("Latent PC1 against the true coordinate (hinge angle)");
            anyScatter = true;
            h.figure(Svg.scatter(r.entry.name(), r.entry.isDataset() ? "true " + r.entry.dataset().coordinateColumn() : "true hinge angle (°)", "latent PC1", r.angle, r.scores.pc1(), null, null),
                    String.format(Locale.ROOT, "%s: |Spearman| = %.3f", r.entry.name(), r.scores.spearman()));
        }
        boolean anyCurves = false;
        for (Benchmark.Row r : rows) {
            Path curves = out.resolve(r.entry.name()).resolve("cryobench/fsc_per_conformation.csv");
            if (r.scores == null || !Files.isRegularFile(curves)) continue;
            if (!anyCurves) h.heading("Per-conformation FSC curves (CryoBench)");
            anyCurves = true;
            h.figure(Svg.lineChart(r.entry.name() + ": FSC per conformation", "spatial frequency (1/px)", "FSC",
                            ConformationCurves.read(curves, false)),
                    String.format(Locale.ROOT, "%s: per conformation, the predicted map at the particle whose latent is "
                            + "nearest the conformation's mean latent against its true map, no mask; mean AUC %s. The "
                            + "masked curves are in %s/cryobench/fsc_per_conformation.csv.", r.entry.name(),
                            f(r.scores.cryobench() == null ? Double.NaN : r.scores.cryobench().confAuc(), 4), r.entry.name()));
        }
        List<List<String>> failures = new ArrayList<>();
        for (Benchmark.Row r : rows) if (!r.ok()) failures.add(List.of(r.entry.name(), r.status));
        if (!failures.isEmpty()) {
            h.heading("Failures");
            h.table(List.of("entry", "reason"), failures);
        }
        h.write(file);
    }

    /** The rows of the side-by-side table: one per setting or score, one column per entry. */
    private static final List<String[]> SIDE_BY_SIDE = List.of(
            new String[]{"status", "status"}, new String[]{"motion", "motion"}, new String[]{"structure", "structure"},
            new String[]{"particles", "n_particles"}, new String[]{"box (px)", "box"}, new String[]{"Å/px", "apix"},
            new String[]{"SNR", "snr"}, new String[]{"seed", "seed"}, new String[]{"preset", "preset"},
            new String[]{"K (segments)", "segments"}, new String[]{"latent dim", "latent_dim"},
            new String[]{"batch size", "batch_size"}, new String[]{"epochs", "epochs"},
            new String[]{"training seed", "train_seed"}, new String[]{"master", "master"},
            new String[]{"training", "train_master"}, new String[]{"|Spearman| PC1", "latent_spearman"},
            new String[]{"k-means acc.", "kmeans_accuracy"}, new String[]{"neighb. sim. 10 %", "neighb_sim_10pct"},
            new String[]{"CB AUC per image", "cb_auc_mean"}, new String[]{"CB AUC per image, masked", "cb_auc_masked_mean"},
            new String[]{"CB res 0.143 (Å)", "cb_res_0.143_median_A"}, new String[]{"CB conformations", "cb_conformations"},
            new String[]{"CB AUC per conformation", "cb_conf_auc_mean"},
            new String[]{"CB AUC per conformation, masked", "cb_conf_auc_masked_mean"},
            new String[]{"RMSD (Å)", "rmsd_median_A"}, new String[]{"base RMSD (Å)", "base_rmsd_median_A"},
            new String[]{"final loss", "final_loss"}, new String[]{"images/s", "train_images_per_s"},
            new String[]{"wall (s)", "wall_s"});

    private static List<String> sideBySideHeader(List<Benchmark.Row> rows) {
        List<String> h = new ArrayList<>(List.of(""));
        for (Benchmark.Row r : rows) h.add(r.entry.name());
        return h;
    }

    private static List<List<String>> sideBySide(List<Benchmark.Row> rows, String version) {
        List<List<String>> values = rows.stream().map(r -> values(r, version)).toList();
        List<List<String>> table = new ArrayList<>();
        for (String[] s : SIDE_BY_SIDE) {
            int col = Benchmark.COLUMNS.indexOf(s[1]);
            List<String> line = new ArrayList<>(List.of(s[0]));
            for (List<String> v : values) line.add(v.get(col));
            table.add(line);
        }
        return table;
    }

    private static Svg.Series series(String name, List<Benchmark.Row> rows, ToDoubleFunction<BenchmarkTruth.Scores> f) {
        return new Svg.Series(name, null, rows.stream().mapToDouble(r -> r.scores == null ? Double.NaN : f.applyAsDouble(r.scores)).toArray());
    }

    private static Svg.Series cbSeries(String name, List<Benchmark.Row> rows, ToDoubleFunction<CryoBenchScoring.Result> f) {
        return new Svg.Series(name, null, rows.stream().mapToDouble(r -> r.scores == null || r.scores.cryobench() == null
                ? Double.NaN : f.applyAsDouble(r.scores.cryobench())).toArray());
    }

    /** A few columns per entry, printed at the end. */
    static String summary(List<Benchmark.Row> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %-9s %10s %10s %10s %10s %9s %8s%n",
                "entry", "status", "latent", "RMSD", "base RMSD", "AUC", "images/s", "wall s"));
        for (Benchmark.Row r : rows) {
            BenchmarkTruth.Scores s = r.scores;
            double latent = s == null ? Double.NaN : r.entry.scoredByLabels() ? s.kmeansAccuracy() : s.spearman();
            sb.append(String.format(Locale.ROOT, "%-20s %-9s %10s %10s %10s %10s %9s %8.1f%n", r.entry.name(),
                    r.ok() ? "ok" : "FAILED", s == null ? "" : f(latent, 3), s == null ? "" : f(s.rmsd(), 2),
                    s == null ? "" : f(s.baseRmsd(), 2), s == null ? "" : f(s.auc(), 4),
                    s == null ? "" : f(s.imagesPerSecond(), 1), r.wall));
        }
        return sb.toString().stripTrailing();
    }
}
