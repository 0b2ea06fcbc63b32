package dev.cryosphere.trainer.run;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The NaN guard of one optimiser step: copies the parameters and the optimiser state before {@code fit}, and restores
 * them when the loss or a parameter became non-finite.
 * <p>
 * The copies are allocated once and overwritten at every step. Before (issue 20), each step allocated fresh copies
 * (~30 MB at 503 residues: 2.5 M parameters and twice as much Adam state), off the Java heap; they were freed only when
 * a garbage collection found their small Java handles, and the Java heap, at a few hundred MiB in use of a default
 * maximum of a quarter of the machine, collected rarely: RSS grew by about 1 GiB per epoch.
 */
public final class StepGuard implements AutoCloseable {
    private INDArray params, updater;
    private final SplitBatchStep split;

    /** The guard of {@code graph.fit} on one thread. */
    public StepGuard() {
        this(null);
    }

    /** The guard of a step split across threads ({@link SplitBatchStep}; null = {@code graph.fit} on this thread). */
    public StepGuard(SplitBatchStep split) {
        this.split = split;
    }

    /** One step with the guard: the score, or NaN after restoring the pre-step parameters and optimiser state. */
    public double fit(ComputationGraph graph, org.nd4j.linalg.dataset.MultiDataSet mds) {
        INDArray p = graph.params();
        params = copyInto(params, p);
        INDArray state = graph.getUpdater().getStateViewArray();
        updater = state == null ? null : copyInto(updater, state);
        double score;
        if (split == null) {
            graph.fit(mds);
            score = graph.score();
        } else {
            score = split.fit(mds);
        }
        if (Double.isFinite(score) && Double.isFinite(graph.params().sumNumber().doubleValue())) return score;
        graph.params().assign(params);
        if (updater != null) graph.getUpdater().getStateViewArray().assign(updater);
        return Double.NaN;
    }

    private static INDArray copyInto(INDArray copy, INDArray from) {
        if (copy == null || copy.closeable() && copy.wasClosed() || copy.length() != from.length()
                || copy.dataType() != from.dataType() || !java.util.Arrays.equals(copy.shape(), from.shape())) {
            if (copy != null && copy.closeable()) copy.close();
            return from.dup();
        }
        return copy.assign(from);
    }

    /**
     * Frees a batch's arrays now, rather than at the next garbage collection (each batch is ~6 MB off the Java heap
     * at 64 px and batch 128). Only for batches nothing reads again.
     */
    public static void release(MultiDataSet mds) {
        if (mds == null) return;
        close(mds.getFeatures());
        close(mds.getLabels());
        close(mds.getFeaturesMaskArrays());
        close(mds.getLabelsMaskArrays());
    }

    private static void close(INDArray[] arrays) {
        if (arrays == null) return;
        for (INDArray a : arrays) {
            if (a != null && a.closeable() && !a.wasClosed()) a.close();
        }
    }

    @Override
    public void close() {
        if (params != null && params.closeable()) params.close();
        if (updater != null && updater.closeable()) updater.close();
        params = updater = null;
        if (split != null) split.close();
    }
}
