package dev.cryosphere.benchmark;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.RunConfig;
import dev.cryosphere.trainer.run.RunLayout;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark engine: for each entry of a spec, simulate → ingest → train → evaluate, then score the results against
 * the truth ({@link BenchmarkTruth}) and write OUT/benchmark.csv and OUT/benchmark.html ({@link BenchmarkReport}).
 * The stages are `cryosphere` commands, run in this JVM through {@link Commands} (the CLI supplies it), so a stage
 * behaves, fails and reports exactly as the command does. The spec's keys: {@link BenchmarkSpec}, `cryosphere
 * benchmark --help`.
 */
public final class Benchmark {
    /** Runs one `cryosphere` command (the words after `cryosphere`) with {@code err} as its error output; its exit code. */
    @FunctionalInterface
    public interface Commands {
        int run(PrintWriter err, String... args);
    }

    private final Commands commands;

    public Benchmark(Commands commands) {
        this.commands = commands;
    }

    public static final List<String> COLUMNS = List.of("name", "status", "version", "motion", "structure", "n_particles", "box",
            "apix", "snr", "seed", "epochs", "master", "train_master", "latent_spearman", "kmeans_accuracy",
            "segment_separation", "distance_spearman", "latent_r2", "latent_r2_2", "segment_separation_2",
            "truth_particles", "res_0.5_median_A", "res_0.143_median_A", "auc_mean", "base_res_0.143_median_A",
            "base_auc_mean", "rmsd_median_A", "base_rmsd_median_A", "train_images_per_s", "final_loss", "simulate_s",
            "ingest_s", "train_s", "evaluate_s", "wall_s",
            // CryoBench's metrics (CryoBenchScoring; docs/user-guide.md, "CryoBench metrics")
            "cb_images", "cb_auc_mean", "cb_auc_masked_mean", "cb_res_0.5_median_A", "cb_res_0.143_median_A",
            "cb_res_0.5_masked_median_A", "cb_res_0.143_masked_median_A", "cb_conformations", "cb_conf_auc_mean",
            "cb_conf_auc_masked_mean", "cb_conf_res_0.143_median_A", "cb_conf_res_0.143_masked_median_A",
            "neighb_sim_1pct", "neighb_sim_10pct");

    /** One entry's outcome. */
    static final class Row {
        final BenchmarkSpec.Entry entry;
        String status = "ok";
        Integer epochs;
        BenchmarkTruth.Scores scores;
        double[] angle;
        int[] conformation;
        double simulate = Double.NaN, ingest = Double.NaN, train = Double.NaN, evaluate = Double.NaN, wall = Double.NaN;

        Row(BenchmarkSpec.Entry entry) {
            this.entry = entry;
            this.epochs = entry.epochs();
        }

        boolean ok() { return status.equals("ok"); }
    }

    /** A stage that did not complete: its name and the reason (the command's error line). */
    static final class StageFailure extends RuntimeException {
        final String stage;

        StageFailure(String stage, String reason) {
            super(reason);
            this.stage = stage;
        }
    }

    /**
     * Runs every entry of {@code spec} into {@code out} (atomically: complete or not at all; {@code overwrite} replaces
     * an existing folder); {@code version} heads the report. Exit code: 0, or 1 when an entry failed. A bad spec
     * throws {@link dev.cryosphere.core.util.InputException} before anything runs.
     */
    public int run(Path spec, Path out, boolean overwrite, String version) throws IOException {
        BenchmarkSpec s = BenchmarkSpec.read(spec);
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        try (AtomicOutput o = AtomicOutput.directory(out, overwrite)) {
            Path dir = o.path();
            Files.copy(spec, dir.resolve("spec.yaml"));
            for (int i = 0; i < s.entries.size(); i++) {
                BenchmarkSpec.Entry e = s.entries.get(i);
                String tag = String.format(Locale.ROOT, "benchmark: [%d/%d] %s", i + 1, s.entries.size(), e.name());
                System.out.println(tag + ": " + e.motionLabel() + ", " + e.nParticles() + " particles, " + e.box() + " px, SNR "
                        + e.snr() + ", master " + e.master() + (e.trainMaster().equals(e.master()) ? "" : ", training " + e.trainMaster()));
                Row row = runEntry(tag, e, dir.resolve(e.name()));
                rows.add(row);
                System.out.println(tag + ": " + row.status + String.format(Locale.ROOT, " (%.1f s)", row.wall));
            }
            BenchmarkReport.writeCsv(dir.resolve("benchmark.csv"), rows, version);
            BenchmarkReport.writeHtml(dir.resolve("benchmark.html"), s, rows, version);
            o.commit();
        }
        long failed = rows.stream().filter(r -> !r.ok()).count();
        System.out.println(BenchmarkReport.summary(rows));
        System.out.printf(Locale.ROOT, "benchmark: %d entr%s, %d failed, %.1f s -> %s%n", rows.size(), rows.size() == 1 ? "y" : "ies",
                failed, (System.nanoTime() - t0) / 1e9, out.resolve("benchmark.csv"));
        return failed == 0 ? 0 : 1;
    }

    private Row runEntry(String tag, BenchmarkSpec.Entry e, Path d) {
        Row row = new Row(e);
        long t0 = System.nanoTime();
        String stage = "setup";
        try {
            Files.createDirectories(d);
            Path sim = e.isExternal() ? e.external() : d.resolve("sim"), ds = d.resolve("ds"), run = d.resolve("run"), eval = d.resolve("eval"), truthDir = d.resolve("truth");

            stage = "simulate";
            List<String> a;
            if (e.isExternal()) {
                System.out.println(tag + ": external set " + sim + ", no simulation");
                row.simulate = 0;
            } else {
                a = new ArrayList<>(List.of("simulate", "--center", "-n", String.valueOf(e.nParticles()),
                        "--box", String.valueOf(e.box()), "--apix", num(e.apix()), "--snr", num(e.snr()),
                        "--seed", String.valueOf(e.seed()), "--out", sim.toString()));
                if (e.discrete()) {
                    a.add("--conformations");
                    a.add(String.join(",", e.conformations().stream().map(Path::toString).toList()));
                } else {
                    a.addAll(List.of("--structure", structure(e, d).toString(), "--hinge", e.hinge(), "--hinge-axis", e.axis(),
                            "--hinge-angles", num(e.angles()[0]) + ":" + num(e.angles()[1])));
                }
                row.simulate = stage(tag, stage, a);
            }
            BenchmarkTruth truth = BenchmarkTruth.read(e, sim);
            row.angle = truth.angle;
            row.conformation = truth.conformation;

            stage = "ingest";
            a = new ArrayList<>(List.of("ingest", "--particles", sim.resolve("particles.star").toString(), "--out", ds.toString(),
                    "--master", e.master()));
            if (e.shardMb() != null) a.addAll(List.of("--shard-mb", String.valueOf(e.shardMb())));
            row.ingest = stage(tag, stage, a);

            stage = "train";
            Path config = d.resolve("train.yaml");
            if (e.trainFile() != null) Files.copy(e.trainFile(), config);
            else if (e.trainInline() != null) BenchmarkSpec.YAML.writeValue(config.toFile(), e.trainInline());
            else Files.writeString(config, "{}\n");
            RunConfig.read(config);    // checked before the stage runs
            a = new ArrayList<>(List.of("train", "--data", ds.toString(), "--structure", sim.resolve("base.pdb").toString(),
                    "--out", run.toString(), "--config", config.toString()));
            if (e.epochs() != null) a.addAll(List.of("--epochs", String.valueOf(e.epochs())));
            if (!e.trainHasSeed()) a.addAll(List.of("--seed", String.valueOf(e.seed())));
            if (!e.trainMaster().equals("jvm")) a.addAll(List.of("--master", e.trainMaster()));
            row.train = stage(tag, stage, a);
            // the epochs trained: the settings may give the length in images or steps, which the run resolved
            if (row.epochs == null)
                row.epochs = new RunLayout(run).readConfig().epochs();

            stage = "evaluate";
            long te = System.nanoTime();
            a = new ArrayList<>(List.of("evaluate", "--run", run.toString(), "--data", ds.toString(), "--out", eval.toString(),
                    "--master", e.master(), "--seed", String.valueOf(e.seed())));
            if (e.truthParticles() > 0) {
                truth.writeMaps(truthDir);
                a.addAll(List.of("--truth-maps", truthDir.resolve("maps").toString(), "--truth-labels",
                        truthDir.resolve("labels.csv").toString(), "--structures", "indices=" + truthDir.resolve("particles.txt")));
            }
            if (e.clusters() != null) a.addAll(List.of("--clusters", String.valueOf(e.clusters())));
            BenchmarkSpec.RawEvaluate ev = e.evaluate();
            if (ev != null) {
                if (ev.pcs != null) a.addAll(List.of("--pcs", String.valueOf(ev.pcs)));
                if (ev.traversalSteps != null) a.addAll(List.of("--traversal-steps", String.valueOf(ev.traversalSteps)));
                if (ev.rowsPerTask != null) a.addAll(List.of("--rows-per-task", String.valueOf(ev.rowsPerTask)));
                if (ev.batch != null) a.addAll(List.of("--batch", String.valueOf(ev.batch)));
                if (ev.distance != null) for (String x : ev.distance) a.addAll(List.of("--distance", x));
                if (Boolean.TRUE.equals(ev.noVolumes)) a.add("--no-volumes");
                if (Boolean.TRUE.equals(ev.sample)) a.add("--sample");
            }
            stage(tag, stage, a);
            row.evaluate = (System.nanoTime() - te) / 1e9;

            stage = "score";
            row.scores = truth.score(eval, run, truthDir);
        } catch (StageFailure f) {
            row.status = "failed at " + f.stage + ": " + f.getMessage();
        } catch (Exception ex) {
            row.status = "failed at " + stage + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage());
        }
        row.wall = (System.nanoTime() - t0) / 1e9;
        return row;
    }

    /** The entry's base structure: its own file, or the bundled demo structure copied into the entry's folder. */
    private static Path structure(BenchmarkSpec.Entry e, Path d) throws IOException {
        if (!e.bundled()) return e.structure();
        Path pdb = d.resolve("structure/1ake_A.pdb");
        Files.createDirectories(pdb.getParent());
        try (InputStream in = Benchmark.class.getResourceAsStream("/demo/1ake_A.pdb")) {
            if (in == null) throw new IllegalStateException("bundled demo structure missing from the jar");
            Files.copy(in, pdb);
        }
        return pdb;
    }

    /** Runs one `cryosphere` command in this JVM; its error output goes to stderr and is kept for the failure reason. */
    private double stage(String tag, String stage, List<String> args) {
        System.out.println(tag + ": " + stage + " ...");
        StringWriter kept = new StringWriter();
        PrintWriter err = new PrintWriter(new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                kept.write(buf, off, len);
                System.err.print(new String(buf, off, len));
            }

            @Override
            public void flush() { System.err.flush(); }

            @Override
            public void close() {}
        }, true);
        long t0 = System.nanoTime();
        int rc = commands.run(err, args.toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        err.flush();
        if (rc != 0) {
            String reason = kept.toString().lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst()
                    .orElse("exit code " + rc);
            if (reason.startsWith("error: ")) reason = reason.substring(7);
            throw new StageFailure(stage, reason + " (exit code " + rc + ")");
        }
        System.out.printf(Locale.ROOT, "%s: %s done (%.1f s)%n", tag, stage, seconds);
        return seconds;
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
