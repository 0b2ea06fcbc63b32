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

    static Loaded get(String run, int epoch) {
        return CACHE.get().computeIfAbsent(run + "#" + epoch, k -> {
            TrainedModel m = TrainedModel.load(java.nio.file.Path.of(run), epoch);
            return new Loaded(m, m.segmentation(null));
        });
    }
}
