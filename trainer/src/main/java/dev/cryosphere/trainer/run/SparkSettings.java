package dev.cryosphere.trainer.run;

import java.io.Serializable;
import java.util.Locale;

/**
 * The knobs of distributed training (YAML key {@code spark:}), each optional. What they trade:
 * <ul>
 *   <li>{@code training_master}: {@code averaging} (default) trains the replicas independently for
 *   {@code averaging_frequency} steps and then averages the parameters (and optimiser state) on the driver: exact
 *   replicas after each average, runs and resumes bit-identical, but a synchronous barrier and the whole parameter
 *   vector through the driver every time. {@code shared} sends threshold-encoded (sparse, quantised) updates between
 *   executors after every step, asynchronously: little traffic and no barrier, but each replica sees the others'
 *   updates one or more steps late, and DL4J quantises Adam's updates to ± the threshold, raises the threshold while
 *   more than 1 % of the elements cross it and clips the residual: on set (a) of the learning issue the 2-worker
 *   cluster's structures overshot the motion (median CA-RMSD 1.81 Å vs 0.71 with averaging and 0.73 in one JVM;
 *   docs/benchmarks.md), hence the default.</li>
 *   <li>{@code batch_per_worker}: examples per optimiser step on one replica (default: {@code batch_size}). The
 *   effective batch per step across the cluster is batch_per_worker × replicas: larger is faster per image but fewer
 *   steps per epoch.</li>
 *   <li>{@code workers_per_node}: model replicas inside one executor JVM (DL4J ParallelWrapper). 1 on CPU (more
 *   was measured to be much slower); the number of GPUs of an executor on GPU nodes.</li>
 *   <li>{@code threshold}: initial threshold of DL4J's adaptive threshold algorithm (shared only): larger sends fewer,
 *   coarser updates (less traffic, slower convergence per step). Default: a tenth of the smaller learning rate. An
 *   Adam step is about the learning rate, so a threshold far above it holds most updates back as residuals: measured
 *   on the 2-worker cluster with 1e-3 (the previous default) and rates 1e-3 / 1e-2, the decoder and half the encoder
 *   did not change at all in epochs 2–3 while the layers with larger steps did; with 1e-5 every layer learned.</li>
 *   <li>{@code averaging_frequency}: steps between averages (averaging only): larger means less traffic and more
 *   replica drift.</li>
 *   <li>{@code epoch_retries}: a failed epoch (e.g. lost executors beyond Spark's own task retries) is redone from
 *   the parameters before it, at most this many times per epoch, before the run stops.</li>
 * </ul>
 */
public final class SparkSettings implements Serializable {
    public String trainingMaster = "averaging";
    public Integer batchPerWorker;
    public Integer workersPerNode = 1;
    public Double threshold;
    public Integer averagingFrequency = 5;
    public Integer epochRetries = 2;
    /** Test aid: after each epoch compare every executor's replica with the driver's parameters (costs one small job). */
    public Boolean checkReplicas = false;

    public boolean shared() {
        String m = trainingMaster == null ? "averaging" : trainingMaster.toLowerCase(Locale.ROOT);
        if (m.equals("shared")) return true;
        if (m.equals("averaging")) return false;
        throw new IllegalArgumentException("spark.training_master: expected shared or averaging, got '" + trainingMaster + "'");
    }

    public int batchPerWorker(int batchSize) {
        return batchPerWorker == null || batchPerWorker < 1 ? batchSize : batchPerWorker;
    }

    public int workersPerNode() { return workersPerNode == null || workersPerNode < 1 ? 1 : workersPerNode; }

    /** The threshold given, else a tenth of the smaller of the two learning rates. */
    public double threshold(double lrNetworks, double lrSegmentation) {
        return threshold == null || threshold <= 0 ? Math.min(lrNetworks, lrSegmentation) / 10 : threshold;
    }

    public int averagingFrequency() { return averagingFrequency == null || averagingFrequency < 1 ? 5 : averagingFrequency; }

    public int epochRetries() { return epochRetries == null || epochRetries < 0 ? 2 : epochRetries; }

    public boolean checkReplicas() { return checkReplicas != null && checkReplicas; }
}
