package dev.cryosphere.cli;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.BatchBuilder;
import dev.cryosphere.trainer.run.Trainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "bench-train", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Benchmark training throughput: `train` itself on a dataset (--data), or synthetic batches.",
        description = {"With --data: runs `cryosphere train` itself (the same Trainer: Parquet pipeline, loss probe, "
                + "metrics.csv, checkpoints) on an ingested dataset for --epochs epochs (default 10) into --out (default: a "
                + "temporary folder, removed afterwards) and prints per epoch: images/s of the training loop, images/s over "
                + "the whole epoch (checkpoint and metrics included), cores busy (process CPU time / wall time), RSS "
                + "(VmRSS) after the epoch and the peak so far (VmHWM), the Java heap in use; then the means and the "
                + "parameter fingerprint. --config is train's run.yaml (e.g. `preset: reference`).",
                "",
                "Without --data: builds the model in memory (base structure, optionally some chains of it; the reference's "
                + "default networks and loss weights) and runs WARMUP then STEPS optimiser steps exactly as `cryosphere "
                + "train` does (BatchBuilder, NaN-guarded ComputationGraph.fit), on synthetic rows: noise images, "
                + "uniform random poses, random origins and CTFs. Throughput does not depend on the image content. "
                + "Prints images/s (mean over the timed steps and from the median step), the share spent building "
                + "batches, peak RSS (VmHWM) and the peak Java heap.",
                "The per-epoch loss probe of `train` (7 forward passes on the first batch of each epoch) is not "
                        + "included; --probe times it once.",
                "", "Example (see benchmarks/train.sh): cryosphere bench-train --structure base.pdb --chain A -k 4"})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--structure", required = true, paramLabel = "PDB|CIF", description = "Base structure (box frame).")
    Path structure;

    @Option(names = "--data", paramLabel = "DATASET", description = "Run `train` on this ingested dataset (see above).")
    Path data;

    @Option(names = "--config", paramLabel = "YAML", description = "With --data: train's configuration (run.yaml keys).")
    Path config;

    @Option(names = "--epochs", description = "With --data: epochs.")
    int epochs = 10;

    @Option(names = "--out", paramLabel = "RUN", description = "With --data: run folder (default: a temporary one, removed).")
    Path out;

    @Option(names = "--chain", split = ",", paramLabel = "ID", description = "Use only these chains (default: all).")
    List<String> chains;

    @Option(names = {"-k", "--segments"}, description = "Segments K.")
    int segments = 4;

    @Option(names = "--box", description = "Image side, pixels.")
    int box = 64;

    @Option(names = "--apix", description = "Pixel size, Å.")
    double apix = 2.0;

    @Option(names = "--batch", description = "Batch size.")
    int batch = 128;

    @Option(names = "--latent", description = "Latent dimension.")
    int latent = 8;

    @Option(names = "--clash", description = "Clash loss: full (all pairs), light (reference's pair list) or none.")
    String clash = "full";

    @Option(names = "--steps", description = "Timed steps.")
    int steps = 10;

    @Option(names = "--warmup", description = "Untimed steps before (the JIT is still compiling during the first ones).")
    int warmup = 12;

    @Option(names = "--threads", description = "ND4J native threads (0 = leave ND4J's default / OMP_NUM_THREADS).")
    int threads = 0;

    @Option(names = "--replicas", description = "Synthetic mode: split each batch across this many replicas of the model, one thread each (train's `threads`).")
    int replicas = 1;

    @Option(names = "--probe", description = "Also time the per-epoch loss probe once.")
    boolean probe;

    @Option(names = "--seed", description = "Random seed.")
    long seed = 0;

    @Override
    public Integer call() throws Exception {
        if (threads > 0) NativeThreads.set(threads);
        if (data != null) return trainOnData();
        AtomicModel model = AtomicModel.read(structure);
        BaseStructure base;
        if (chains == null || chains.isEmpty()) {
            base = BaseStructure.of(model);
        } else {
            int[] idx = IntStream.range(0, model.size()).filter(i -> chains.contains(model.chain(i))).toArray();
            if (idx.length == 0) throw new dev.cryosphere.core.util.InputException(structure, "--chain", "no residues in chains " + chains);
            base = BaseStructure.of(model, idx);
        }
        ModelConfig d = ModelConfig.defaults(box, apix, base.residues(), segments);
        ModelConfig config = d.withNetworks(latent, d.encoderHidden(), d.decoderHidden()).withBatchSize(batch).withSeed(seed);
        var conf = CryoSphereGraph.configuration(config, base);
        var lossLayer = (dev.cryosphere.trainer.model.CryoSphereLossLayer)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get(CryoSphereGraph.LOSS)).getLayerConf().getLayer();
        switch (clash) {
            case "full" -> lossLayer.setFullClash(true);
            case "light" -> lossLayer.setFullClash(false);
            case "none" -> lossLayer.setClashLoss(false);
            default -> throw new dev.cryosphere.core.util.InputException(null, "--clash", "full, light or none, not '" + clash + "'");
        }
        ComputationGraph graph = CryoSphereGraph.create(conf);
        BatchBuilder builder = new BatchBuilder(config);
        // epoch 1's loss weights (the linear KL schedules are > 0 from then on), so every term is computed
        double[] betas = builder.betas(1);

        Random rng = new Random(seed);
        int pools = 4;
        List<List<BatchBuilder.Row>> rowSets = new ArrayList<>();
        for (int s = 0; s < pools; s++) {
            List<BatchBuilder.Row> rows = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                float[] img = new float[config.pixels()];
                for (int p = 0; p < img.length; p++) img[p] = (float) rng.nextGaussian();
                CtfParams ctf = CtfParams.of(5000 + 15000 * rng.nextDouble(), 5000 + 15000 * rng.nextDouble(),
                        180 * rng.nextDouble(), 300, 2.7, 0.1);
                rows.add(new BatchBuilder.Row((long) s * batch + i, img, Rotations.uniform(rng), 4 * rng.nextGaussian(),
                        4 * rng.nextGaussian(), ctf));
            }
            rowSets.add(rows);
        }

        System.out.printf(Locale.ROOT, "bench-train: %d residues%s, K = %d, %d px at %.2f Å/px, batch %d, latent %d, "
                        + "clash %s, %d cores, ND4J threads %s, OMP_NUM_THREADS=%s, heap max %.0f MiB%n",
                base.residues(), chains == null ? "" : " (chains " + String.join(",", chains) + ")", segments, box, apix,
                batch, latent, clash, Runtime.getRuntime().availableProcessors(),
                threads > 0 ? String.valueOf(threads) : "default", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                Runtime.getRuntime().maxMemory() / 1048576.0);
        int total = warmup + steps;
        double[] stepSec = new double[steps], buildSec = new double[steps], cpuSec = new double[steps];
        double lastScore = Double.NaN;
        dev.cryosphere.trainer.run.StepGuard guard = new dev.cryosphere.trainer.run.StepGuard(   // as train's loop
                replicas > 1 ? new dev.cryosphere.trainer.run.SplitBatchStep(graph, replicas) : null);
        for (int s = 0; s < total; s++) {
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            MultiDataSet mds = builder.build(rowSets.get(s % pools), seed, 1, s, 1.0);
            long t1 = System.nanoTime();
            lastScore = guard.fit(graph, mds);
            long t2 = System.nanoTime();
            dev.cryosphere.trainer.run.StepGuard.release(mds);
            if (Double.isNaN(lastScore)) throw new IllegalStateException("non-finite loss at step " + (s + 1));
            if (s >= warmup) {
                stepSec[s - warmup] = (t2 - t0) / 1e9;
                cpuSec[s - warmup] = (cpuNanos() - c0) / 1e9;
                buildSec[s - warmup] = (t1 - t0) / 1e9;
            } else {
                System.out.printf(Locale.ROOT, "bench-train: warm-up step %d: %.3f s%n", s + 1, (t2 - t0) / 1e9);
            }
        }
        double sum = Arrays.stream(stepSec).sum(), build = Arrays.stream(buildSec).sum();
        double[] sorted = stepSec.clone();
        Arrays.sort(sorted);
        double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
        StringBuilder each = new StringBuilder();
        for (double t : stepSec) each.append(String.format(Locale.ROOT, " %.3f", t));
        System.out.printf(Locale.ROOT, "bench-train: step times (s):%s%n", each);
        if (probe) {
            long t0 = System.nanoTime();
            double corr = Trainer.probe(graph, builder.build(rowSets.get(0), seed, 1, 0, 1.0), config, betas)[0];
            System.out.printf(Locale.ROOT, "bench-train: loss probe (per epoch): %.3f s (correlation %.4f)%n",
                    (System.nanoTime() - t0) / 1e9, corr);
        }
        System.out.printf(Locale.ROOT, "bench-train: %.1f images/s (mean of %d steps, %.3f s/step; median step %.3f s = "
                        + "%.1f images/s); batch building %.1f %% of the time; loss %.5f%n",
                steps * batch / sum, steps, sum / steps, median, batch / median, 100 * build / sum, lastScore);
        double cpu = Arrays.stream(cpuSec).sum();
        System.out.printf(Locale.ROOT, "bench-train: process CPU time %.3f s/step (%.0f %% of wall): %.1f images/s per "
                        + "CPU-second (what an unloaded machine gives with one thread; on a shared machine the wall-clock "
                        + "figure above understates it)%n", cpu / steps, 100 * cpu / sum, steps * batch / cpu);
        // a fingerprint of the trained parameters: speed-ups that are exact must leave it unchanged
        System.out.printf(Locale.ROOT, "bench-train: parameters after %d steps: sum %.10e, norm %.10e%n", total,
                graph.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sumNumber().doubleValue(),
                graph.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm2Number().doubleValue());
        System.out.printf(Locale.ROOT, "bench-train: peak RSS %.0f MiB, peak Java heap %.0f MiB%n",
                peakRssKiB() / 1024.0, peakHeapBytes() / 1048576.0);
        return 0;
    }

    /** `train` on --data, measured per epoch through the trainer's epoch listener. */
    private int trainOnData() throws Exception {
        Path run = out;
        Path tmp = null;
        if (run == null) {
            tmp = Files.createTempDirectory("bench-train");
            run = tmp.resolve("run");
        }
        System.out.printf(Locale.ROOT, "bench-train: train on %s, %d epochs, config %s, %d cores, OMP_NUM_THREADS=%s, "
                        + "heap max %.0f MiB, javacpp maxbytes %.0f MiB, maxphysicalbytes %.0f MiB%n", data, epochs,
                config == null ? "defaults" : config, Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), Runtime.getRuntime().maxMemory() / 1048576.0,
                org.bytedeco.javacpp.Pointer.maxBytes() / 1048576.0, org.bytedeco.javacpp.Pointer.maxPhysicalBytes() / 1048576.0);
        System.out.println("bench-train: epoch, images/s (training loop), images/s (whole epoch), cores busy, RSS MiB, "
                + "peak RSS MiB, heap used MiB");
        EpochMeter meter = new EpochMeter();
        AutoCloseable[] log = {null};
        Trainer.Result r;
        try {
            r = Trainer.run(new Trainer.Options(data, structure, run, config, epochs, seed, false, false,
                            "cryosphere bench-train --data " + data),
                    folder -> log[0] = Logs.toFile(folder.resolve("logs").resolve("train.log")),
                    e -> System.out.println(meter.epoch(e)));
        } finally {
            if (log[0] != null) log[0].close();
        }
        System.out.println(meter.summary());
        var g = dev.cryosphere.trainer.run.Checkpoints.loadGraph(new dev.cryosphere.trainer.run.RunLayout(r.run()), r.epochsDone());
        System.out.printf(Locale.ROOT, "bench-train: parameters after %d epochs: sum %.10e, norm %.10e%n", r.epochsDone(),
                g.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sumNumber().doubleValue(),
                g.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm2Number().doubleValue());
        if (tmp != null) deleteTree(tmp);
        return 0;
    }

    /** Per-epoch figures between consecutive epoch ends (the first from the meter's creation). */
    static final class EpochMeter {
        private long wall0 = System.nanoTime(), cpu0 = cpuNanos();
        private final List<double[]> rows = new ArrayList<>();   // loop img/s, epoch img/s, cores, rss MiB

        String epoch(Trainer.EpochDone e) {
            long wall = System.nanoTime(), cpu = cpuNanos();
            double sec = (wall - wall0) / 1e9, cores = (cpu - cpu0) / 1e9 / sec;
            wall0 = wall;
            cpu0 = cpu;
            double rss = rssKiB("VmRSS:") / 1024.0, peak = rssKiB("VmHWM:") / 1024.0;
            Runtime rt = Runtime.getRuntime();
            double loop = e.images() / e.trainSeconds(), whole = e.images() / sec;
            rows.add(new double[]{loop, whole, cores, rss});
            return String.format(Locale.ROOT, "bench-train: epoch %d/%d: %.1f images/s (loop), %.1f images/s (epoch), "
                            + "%.2f cores busy, RSS %.0f MiB, peak RSS %.0f MiB, heap %.0f MiB, JavaCPP-tracked %.0f MiB, loss %.5f",
                    e.epoch() + 1, e.epochs(), loop, whole, cores, rss, peak, (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                    org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0, e.loss());
        }

        String summary() {
            int n = rows.size();
            if (n == 0) return "bench-train: no epoch done";
            double loop = 0, whole = 0, cores = 0;
            // the first epoch includes the JIT warm-up and graph creation: the means are over epochs 2..n when there are
            int from = n > 1 ? 1 : 0;
            for (int i = from; i < n; i++) {
                loop += rows.get(i)[0];
                whole += rows.get(i)[1];
                cores += rows.get(i)[2];
            }
            int m = n - from;
            String drift = n >= 2 ? String.format(Locale.ROOT, "; epoch %d vs epoch 2: images/s %+.1f %%, RSS %+.1f %%", n,
                    100 * (rows.get(n - 1)[0] / rows.get(1)[0] - 1), 100 * (rows.get(n - 1)[3] / rows.get(1)[3] - 1)) : "";
            return String.format(Locale.ROOT, "bench-train: mean of epochs %d-%d: %.1f images/s (loop), %.1f images/s "
                            + "(epoch), %.2f cores busy; peak RSS %.0f MiB%s", from + 1, n, loop / m, whole / m, cores / m,
                    rssKiB("VmHWM:") / 1024.0, drift);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** CPU time of the whole process (all threads, native ones included), ns. */
    static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** VmHWM of /proc/self/status, KiB; -1 where there is none. */
    static long peakRssKiB() {
        return rssKiB("VmHWM:");
    }

    /** A field of /proc/self/status (VmRSS:, VmHWM:), KiB; -1 where there is none. */
    static long rssKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** ND4J's native thread count (its own loops and the BLAS). */
    static final class NativeThreads {
        private NativeThreads() {}

        static void set(int n) {
            Nd4j.getEnvironment().setMaxThreads(n);
            Nd4j.getEnvironment().setMaxMasterThreads(n);
            try {
                Nd4j.factory().blas().setMaxThreads(n);
            } catch (RuntimeException e) {
                // not every BLAS can
            }
        }
    }
}
