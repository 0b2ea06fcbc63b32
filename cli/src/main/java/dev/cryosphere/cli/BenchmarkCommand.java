package dev.cryosphere.cli;

import dev.cryosphere.benchmark.Benchmark;
import dev.cryosphere.benchmark.ChildJvmLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `cryosphere benchmark`: the options; the engine is {@link Benchmark} (module benchmark), its stages these commands. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Run simulate → ingest → train → evaluate for each entry of a spec and score the results against the truth.",
        description = {
                "Per entry: simulates a particle set (hinge motion or discrete conformations; the truth is known), ingests "
                        + "it, trains, evaluates with per-particle structures and truth maps, then scores: |Spearman| of "
                        + "latent PC1 vs the true hinge angle (discrete: k-means accuracy, k = number of conformations), "
                        + "per-particle FSC against the true maps (median resolution at 0.5 and 0.143, mean AUC; the base "
                        + "structure's for comparison), CA-RMSD of the predicted structures to the true ones (median; the "
                        + "base structure's median for comparison), training images/s of the last epoch, stage and wall times.",
                "Writes OUT/benchmark.csv (one row per entry, a status column with the reason of a failure), "
                        + "OUT/benchmark.html (self-contained: table and charts, links to each entry's evaluation report), "
                        + "OUT/spec.yaml and OUT/<entry>/{sim,ds,run,eval,truth}. OUT is a working folder: each stage "
                        + "records a done marker with the fingerprint of its inputs (OUT/<entry>/stages/), and a rerun "
                        + "skips the stages done with the same inputs, redoes changed ones and the stages after them, and "
                        + "continues an unfinished training with --resume; benchmark.csv/html are replaced when complete. "
                        + "A failed entry is recorded and the others still run; the exit code is then 1. A bad spec: one "
                        + "error line naming the key, exit code 2, nothing run.",
                "Spec (YAML; every key optional except entries; relative paths from the spec's folder):",
                "  title: TEXT                      heads benchmark.html",
                "  parallel: 1                      entries at once (--parallel wins)",
                "  defaults: {KEY: VALUE, ...}      keys every entry gets unless it sets them",
                "  entries:",
                "    - name: NAME                   folder under OUT (default entry1, ...)",
                "      structure: S.pdb             default: the bundled 1AKE chain A",
                "      motion: {hinge: A:122-159, axis: \"A:121,A:160\", angles: \"-20:20\"}",
                "                                   (the default with the bundled structure)",
                "        or {conformations: [a.pdb, b.pdb]}   base = the first; no structure",
                "      n_particles: 1000   box: 64 (px)   apix: 2.0 (Å)   snr: 0.1   seed: 0",
                "      epochs: N                    default: the train config's (80000 images)",
                "      train: run.yaml              train config (see train --help), or",
                "             {segments: 4, ...}    the same keys inline",
                "      master: local[*]             Spark master of ingest, train, evaluate",
                "      train_master: jvm            default: master; jvm = train in one JVM",
                "      shard_mb: 128                ingest --shard-mb",
                "      truth_particles: 200         particles compared with the truth (default: all)",
                "      truth_bins: 20               hinge: true maps at this many angle bins",
                "    - external: DIR                a set of benchmarks/external/make_sets.py: not",
                "                                   simulated; motion, size and SNR from DIR/truth.json",
                "    - particles: P.star|P.cs       your own particles (not simulated), with",
                "      structure: BASE.pdb          the base structure (required) and",
                "      truth: T.csv                 a row per particle (particle_index or image_name",
                "                                   or in order): a label and/or coordinate column",
                "      truth_label: label           label column (0, 1, ...; default 'label')",
                "      truth_coordinate: coordinate continuous coordinate column (default 'coordinate')",
                "      truth_structures: s_%03d.pdb one true structure per label (optional)",
                "      truth_maps: m_%03d.mrc       one true map per label, the particles' grid (optional)",
                "      evaluate: {clusters: K, pcs: 2, traversal_steps: 10, batch: 64,",
                "                 rows_per_task: N, distance: [NAME=SEL1,SEL2],",
                "                 no_volumes: false, sample: false}",
                "", "Example: cryosphere benchmark --spec benchmarks/specs/small.yaml --out bench-out"})
public final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, paramLabel = "YAML", description = "Benchmark spec (keys above).")
    Path spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Start from scratch: the old OUT is moved beside and deleted once this run completes (without it, a rerun into the "
            + "same OUT skips the stages already done with the same inputs).")
    boolean overwrite;

    @Option(names = "--parallel", paramLabel = "N", description = "Entries run at once (default: the spec's `parallel`, "
            + "else 1). With N > 1 each stage is a Spark application in a JVM of its own, its lines prefixed [NAME].")
    Integer parallel;

    @Override
    public Integer call() throws IOException {
        return new Benchmark(CryosphereCommand::execute, new ChildJvmLauncher(CryosphereCommand.class.getName()))
                .run(spec, out, overwrite, VersionProvider.version(), parallel);
    }
}
