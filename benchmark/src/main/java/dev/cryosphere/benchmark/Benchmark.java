package dev.cryosphere.benchmark;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark engine: for each entry of a spec, simulate → ingest → train → evaluate, then score the results against
 * the truth ({@link BenchmarkTruth}) and write OUT/benchmark.csv and OUT/benchmark.html ({@link BenchmarkReport}).
 * The stages are `cryosphere` commands, so a stage behaves, fails and reports exactly as the command does. OUT is a
 * working folder ({@link WorkFolder}): each entry's stages are skipped when done with the same inputs
 * ({@link StageLedger}, {@link EntryRunner}). Entries run one after another in this JVM ({@link Commands}), or up to
 * {@code parallel} at once, each stage a Spark application in a JVM of its own ({@link Launcher},
 * {@link ChildJvmLauncher} says why not threads). The spec's keys: {@link BenchmarkSpec}, `cryosphere benchmark --help`.
 */
public final class Benchmark {
    /** Runs one `cryosphere` command (the words after `cryosphere`) in this JVM with {@code err} as its error output; its exit code. */
    @FunctionalInterface
    public interface Commands {
        int run(PrintWriter err, String... args);
    }

    /** Runs one `cryosphere` command in a JVM of its own; each line it prints goes to standard output after {@code prefix}. */
    @FunctionalInterface
    public interface Launcher {
        int run(String prefix, PrintWriter err, String... args);
    }

    private final Commands commands;
    private final Launcher launcher;

    /** Entries one after another, in this JVM. */
    public Benchmark(Commands commands) {
        this(commands, null);
    }

    /** {@code launcher}: for entries that run at the same time (parallel > 1); null allows only parallel 1. */
    public Benchmark(Commands commands, Launcher launcher) {
        this.commands = commands;
        this.launcher = launcher;
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
            "neighb_sim_1pct", "neighb_sim_10pct",
            // the training settings as each run resolved them (RUN/run.json, RUN/config.json): what tells entries apart
            "preset", "segments", "latent_dim", "batch_size", "train_seed");

    /** One entry's outcome. */
    static final class Row {
        final BenchmarkSpec.Entry entry;
        String status = "ok";
        Integer epochs;
        BenchmarkTruth.Scores scores;
        double[] angle;
        /** The training settings as the run resolved them; null before training. */
        RunSettings settings;
        /** The stages done (run now or kept from an earlier run): fingerprint, start and end, seconds. */
        final java.util.Map<String, StageLedger.Done> stages = new java.util.concurrent.ConcurrentHashMap<>();
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
     * Runs every entry of {@code spec} into the working folder {@code out} ({@code overwrite}: start from scratch),
     * up to {@code parallel} entries at once (null: the spec's {@code parallel}, default 1); {@code version} heads the
     * report and goes into the stages' fingerprints. benchmark.csv and benchmark.html are replaced only once complete.
     * Exit code: 0, or 1 when an entry failed. A bad spec throws {@link dev.cryosphere.core.util.InputException}
     * before anything runs.
     */
    public int run(Path spec, Path out, boolean overwrite, String version, Integer parallel) throws IOException {
        BenchmarkSpec s = BenchmarkSpec.read(spec);
        int n = parallel != null ? parallel : s.parallel;
        if (n < 1) throw new InputException(null, "--parallel", "must be >= 1, got " + n);
        n = Math.min(n, s.entries.size());
        if (n > 1 && launcher == null) throw new IllegalStateException("parallel entries need a launcher");
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        try (WorkFolder w = WorkFolder.open(out, overwrite)) {
            Path dir = w.path();
            try (AtomicOutput o = AtomicOutput.file(dir.resolve("spec.yaml"), true)) {
                Files.copy(spec, o.path(), StandardCopyOption.REPLACE_EXISTING);
                o.commit();
            }
            if (n > 1) System.out.printf(Locale.ROOT, "benchmark: %d entries, up to %d at once, each stage a JVM of its own%n", s.entries.size(), n);
            List<Callable<Row>> jobs = new ArrayList<>();
            for (int i = 0; i < s.entries.size(); i++) {
                BenchmarkSpec.Entry e = s.entries.get(i);
                String tag = String.format(Locale.ROOT, "benchmark: [%d/%d] %s", i + 1, s.entries.size(), e.name());
                EntryRunner.Stage stage;
                String prefix;
                if (n > 1) {
                    prefix = "[" + e.name() + "] ";
                    stage = (err, args) -> launcher.run(prefix, err, args);
                } else {
                    prefix = "";
                    stage = commands::run;
                }
                jobs.add(() -> {
                    System.out.println(tag + ": " + e.motionLabel() + ", " + e.nParticles() + " particles, " + e.box() + " px"
                            + (Double.isNaN(e.snr()) ? "" : ", SNR " + e.snr()) + ", master " + e.master()    // datasets: no SNR
                            + (e.trainMaster().equals(e.master()) ? "" : ", training " + e.trainMaster()));
                    Row row = new EntryRunner(tag, prefix, e, dir.resolve(e.name()), version, stage).run();
                    System.out.println(tag + ": " + row.status + String.format(Locale.ROOT, " (%.1f s)", row.wall));
                    return row;
                });
            }
            if (n == 1) {
                // in this thread, as the commands run when typed
                for (Callable<Row> j : jobs) {
                    try {
                        rows.add(j.call());
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            } else {
                runConcurrently(jobs, n, rows);
            }
            try (AtomicOutput o = AtomicOutput.file(dir.resolve("benchmark.csv"), true)) {
                BenchmarkReport.writeCsv(o.path(), rows, version);
                o.commit();
            }
            try (AtomicOutput o = AtomicOutput.file(dir.resolve("benchmark.html"), true)) {
                BenchmarkReport.writeHtml(o.path(), dir, s, rows, version);
                o.commit();
            }
            w.complete();
        }
        long failed = rows.stream().filter(r -> !r.ok()).count();
        System.out.println(BenchmarkReport.summary(rows));
        System.out.printf(Locale.ROOT, "benchmark: %d entr%s, %d failed, %.1f s -> %s%n", rows.size(), rows.size() == 1 ? "y" : "ies",
                failed, (System.nanoTime() - t0) / 1e9, out.resolve("benchmark.csv"));
        return failed == 0 ? 0 : 1;
    }

    /** Runs the entries on {@code n} threads (each waits on its child JVMs); rows in spec order. */
    private static void runConcurrently(List<Callable<Row>> jobs, int n, List<Row> rows) {
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "benchmark-entry");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Future<Row> f : pool.invokeAll(jobs)) rows.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** As {@link #run(Path, Path, boolean, String, Integer)} with the spec's {@code parallel}. */
    public int run(Path spec, Path out, boolean overwrite, String version) throws IOException {
        return run(spec, out, overwrite, version, null);
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
