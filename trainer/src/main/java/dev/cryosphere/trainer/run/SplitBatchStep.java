package dev.cryosphere.trainer.run;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One optimiser step of {@code graph.fit(batch)} computed on several threads: the batch's rows are split into
 * contiguous chunks, each chunk's gradient is computed by its own replica of the graph (the graph itself takes the
 * first chunk), the gradients are summed and the graph's optimiser applies one update for the whole batch.
 *
 * <p>Why this is the same step: the loss is a sum over images (DL4J divides the gradient by the batch size in the
 * updater), and every per-batch input of our loss (noise, poses, CTFs, betas, τ) is a row of the batch, so the sum of
 * the chunks' gradients is the batch's gradient; the clash term's candidate pairs are found per chunk, which drops
 * only pairs that are beyond the cutoff in every image of the chunk and so contribute exactly 0. Only the summation
 * order differs: a run's parameters agree with the single-thread run to float rounding, not bit for bit, so a seeded
 * run is reproducible for a given number of threads.
 *
 * <p>Why not DL4J's ParallelWrapper: it shares gradients asynchronously (threshold encoding, as on Spark), which is
 * neither the same step nor reproducible. Why not more native threads per op: on two cores, two OpenMP threads made
 * each step slower (measured in bench-train: 147 vs 173 images/s at 196 % CPU), since most of the ~1,100 ops of a
 * step are too small to split.
 */
public final class SplitBatchStep implements AutoCloseable {
    /**
     * Images per thread below which a split does not pay: measured with bench-train on 2 cores (503 residues, 64 px),
     * two threads gave 1.39× at a batch of 128, 1.07× at 64 and 0.98× at 32 (each op's fixed Java cost in SameDiff
     * dominates small chunks).
     */
    public static final int MIN_IMAGES_PER_THREAD = 64;

    /** The default: every core, but no fewer than {@link #MIN_IMAGES_PER_THREAD} images per thread. */
    public static int auto(int batch, int cores) {
        return Math.max(1, Math.min(cores, batch / MIN_IMAGES_PER_THREAD));
    }

    private final ComputationGraph graph;
    private final ComputationGraph[] replicas;   // replicas[0] is the graph itself
    private final ExecutorService pool;

    public SplitBatchStep(ComputationGraph graph, int threads) {
        if (threads < 2) throw new IllegalArgumentException("a split step needs at least 2 threads: " + threads);
        this.graph = graph;
        this.replicas = new ComputationGraph[threads];
        replicas[0] = graph;
        for (int i = 1; i < threads; i++) replicas[i] = graph.clone();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "cryosphere-replica-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return replicas.length;
    }

    /** One step on the whole batch; returns the batch's score (the value {@code graph.score()} has after fit). */
    public double fit(MultiDataSet batch) {
        long rows = batch.getFeatures(0).size(0);
        int chunks = (int) Math.min(replicas.length, rows);
        long[] from = new long[chunks + 1];
        for (int i = 0; i <= chunks; i++) from[i] = rows * i / chunks;
        INDArray params = graph.params();
        List<Future<Double>> others = new ArrayList<>();
        List<MultiDataSet> parts = new ArrayList<>();
        for (int i = 0; i < chunks; i++) parts.add(rows(batch, from[i], from[i + 1]));
        for (int i = 1; i < chunks; i++) {
            ComputationGraph replica = replicas[i];
            replica.params().assign(params);
            MultiDataSet part = parts.get(i);
            others.add(pool.submit(() -> gradientAndScore(replica, part)));
        }
        double weighted = gradientAndScore(graph, parts.get(0)) * (from[1] - from[0]);
        Gradient gradient = graph.gradient();
        INDArray sum = gradient.gradient();
        for (int i = 1; i < chunks; i++) {
            weighted += await(others.get(i - 1)) * (from[i + 1] - from[i]);
            sum.addi(replicas[i].gradient().gradient());
        }
        // each chunk's score carries the regularisation term once; the batch's carries it once
        double score = (weighted - (chunks - 1) * graph.calcRegularizationScore(true)) / rows;
        // what DL4J's StochasticGradientDescent.optimize does after the gradient: updater, step, iteration count
        var conf = graph.getConfiguration();
        graph.getUpdater().update(gradient, conf.getIterationCount(), conf.getEpochCount(), (int) rows,
                LayerWorkspaceMgr.noWorkspaces());
        params.subi(sum);
        conf.setIterationCount(conf.getIterationCount() + 1);
        for (ComputationGraph r : replicas) r.clearLayersStates();
        if (chunks > 1) parts.forEach(StepGuard::release);   // copies of the batch's rows, read by nothing else
        return score;
    }

    private static double gradientAndScore(ComputationGraph g, MultiDataSet part) {
        g.setInputs(part.getFeatures());
        g.setLabels(part.getLabels());
        g.computeGradientAndScore();
        return g.score();
    }

    /** Rows [from, to) of every feature and label array (all are batch-major), copied; the batch itself if whole. */
    private static MultiDataSet rows(MultiDataSet batch, long from, long to) {
        if (from == 0 && to == batch.getFeatures(0).size(0)) return batch;
        return new org.nd4j.linalg.dataset.MultiDataSet(rows(batch.getFeatures(), from, to), rows(batch.getLabels(), from, to));
    }

    private static INDArray[] rows(INDArray[] arrays, long from, long to) {
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++)
            out[i] = arrays[i].get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup();
        return out;
    }

    private static double await(Future<Double> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a replica computed its gradient", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
