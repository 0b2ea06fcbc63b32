package dev.cryosphere.evaluate.job;

import dev.cryosphere.trainer.run.TrainedModel;

import java.util.HashMap;
import java.util.Map;

/**
 * The trained model inside an executor, loaded from the run folder once per task thread and reused by the following
 * tasks of that thread. Per thread, not per JVM, because a DL4J graph keeps layer inputs as state and is not safe to
 * run from two task threads at once.
 */
final class ModelCache {
    private static final ThreadLocal<Map<String, Loaded>> CACHE = ThreadLocal.withInitial(HashMap::new);

    /** The model with its mean segmentation, computed once. */
    record Loaded(TrainedModel model, double[][] meanWeights) {}

    private ModelCache() {}

    /**
     * One ND4J/BLAS thread per task: Spark already runs one task per core (more threads would oversubscribe them), and
     * the thread count would otherwise follow each JVM's defaults, which changes BLAS blocking and so the last bits of
     * the latents between local[N] and cluster executors. With one thread the numbers are the same everywhere.
     */
    static synchronized void singleThreadedNd4j() {
        if (configured) return;
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(1);
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);
        org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(1);
        configured = true;
    }

    private static boolean configured;

    static Loaded get(String run, int epoch) {
        singleThreadedNd4j();
        return CACHE.get().computeIfAbsent(run + "#" + epoch, k -> {
            TrainedModel m = TrainedModel.load(java.nio.file.Path.of(run), epoch);
            return new Loaded(m, m.segmentation(null));
        });
    }
}
