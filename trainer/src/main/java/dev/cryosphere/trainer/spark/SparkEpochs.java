package dev.cryosphere.trainer.spark;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.spark.SparkContexts;
import dev.cryosphere.trainer.gpu.GpuPinning;
import dev.cryosphere.trainer.gpu.GpuPinningException;
import dev.cryosphere.trainer.gpu.GpuPinningPlugin;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.model.TrainingClock;
import dev.cryosphere.trainer.run.BatchBuilder;
import dev.cryosphere.trainer.run.SparkSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;

/**
 * Data-parallel epochs on Spark. Per epoch: the dataset's part files in a seeded order, each part's batches numbered;
 * executors read their parts, shuffle the rows with a seed from (seed, epoch, part) and cut them into
 * {@link BatchBuilder} batches whose noise is seeded from (seed, epoch, part, batch within part), so the batches do
 * not depend on how the epoch is dealt to tasks. DL4J's {@link ParameterAveragingTrainingMaster} (the default) gets one
 * {@code fitMultiDataSet} call per averaging round ({@link #averagingRounds}); its {@link SharedTrainingMaster}
 * (gradient sharing with threshold encoding) one call per epoch, a task per part ({@link #sharingTasks}). The driver
 * never reads images, except the one probe batch the caller may use for the per-term metrics.
 * <p>
 * A failed epoch (Spark gave up on a task, e.g. executors lost beyond its retries) is redone from the parameters and
 * optimiser state the driver held before it, at most {@code epoch_retries} times.
 */
public final class SparkEpochs implements AutoCloseable {
    /** The Aeron setting gradient sharing needs in every JVM (see bin/jvm17.opts). */
    public static final String AERON_OPTS = "-Daeron.publication.unblock.timeout=60000000000 -Daeron.dir.delete.on.shutdown=true";

    /**
     * Sets the Aeron properties of {@link #AERON_OPTS} in this JVM where the user has not. Why the second: DL4J's
     * gradient sharing launches an embedded Aeron media driver per JVM with a fresh ~600 MB directory in /dev/shm and
     * closes it on shutdown, but Aeron keeps the directory unless told otherwise; nightly runs then fill /dev/shm (RAM)
     * until the machine runs out of memory (measured: 166 stale directories, 20 GB, here).
     */
    public static void aeronDefaults() {
        if (System.getProperty("aeron.publication.unblock.timeout") == null)
            System.setProperty("aeron.publication.unblock.timeout", "60000000000");
        if (System.getProperty("aeron.dir.delete.on.shutdown") == null)
            System.setProperty("aeron.dir.delete.on.shutdown", "true");
    }

    /**
     * One epoch's result. {@code gpusPerExecutor}: executor id → the GPU address(es) its training threads were pinned
     * to (see {@link GpuPinning}); empty when the executors have no GPU resource.
     */
    public record Outcome(ComputationGraph graph, double loss, long images, long steps, double seconds,
                          Map<String, Long> imagesPerExecutor, String replicas, Map<String, String> gpusPerExecutor) {}

    private final SparkContexts.Handle spark;
    private final JavaSparkContext jsc;
    private final SparkSettings settings;
    private final ModelConfig config;
    private final String configJson;
    private final List<String> parts;
    private final int batchPerWorker;
    private final long batchesPerEpoch;
    /** Batches of each part (its rows over the worker batch, the incomplete tail dropped), in the dataset's part order. */
    private final List<Integer> partBatches = new ArrayList<>();
    private TrainingMaster master;
    /** The replicas parameter averaging was built for (its rounds deal batches to exactly that many tasks). */
    private int averagingWorkers;
    private SparkComputationGraph net;
    /** The job group of the epoch now running (null between epochs): cancelled when an executor is lost. */
    private volatile String running;
    private volatile String lostExecutor;
    /** An executor lost while no epoch ran (between epochs): the mesh has lost a member before the next epoch starts. */
    private volatile String lostBetweenEpochs;
    private final org.apache.spark.scheduler.SparkListener lossWatch;

    public SparkEpochs(String masterUrl, SparkSettings settings, ModelConfig config, DatasetReader data) {
        aeronDefaults();
        this.settings = settings;
        this.config = config;
        this.configJson = config.toJson();
        this.parts = List.copyOf(data.parts());
        this.batchPerWorker = settings.batchPerWorker(config.batchSize());
        long batches = 0;
        for (DatasetInfo.Part p : data.info().parts()) {
            partBatches.add((int) (p.rows() / batchPerWorker));   // as PartBatches cuts them
            batches += partBatches.get(partBatches.size() - 1);
        }
        this.batchesPerEpoch = batches;
        this.spark = SparkContexts.open("cryosphere train", masterUrl, Map.of(
                "spark.executor.extraJavaOptions", AERON_OPTS,
                // as bin/cryosphere for one JVM: two malloc arenas keep the replica's freed native arrays reusable
                "spark.executorEnv.MALLOC_ARENA_MAX", "2",
                // DL4J broadcasts the network (parameters and updater state) at every epoch, and Spark drops an old
                // broadcast from the executors only after a driver GC finds it unreferenced; a driver with little
                // garbage collects rarely (Spark's periodic GC: 30 min), and the 2-worker cluster's 1 GiB executors
                // ran out of heap at epoch 33 of a 2,000-image, 64 px set while writing a task result
                "spark.cleaner.periodicGC.interval", "1min",
                // a lost executor's tasks are retried; a fresh executor is started by the cluster manager
                "spark.task.maxFailures", "4",
                // a task that ignores its cancellation (a hung transport thread) gets its executor restarted
                "spark.task.reaper.enabled", "true",
                "spark.task.reaper.killTimeout", "30s"),
                // each task thread takes the GPU Spark assigned to its task before DL4J creates arrays in it
                conf -> GpuPinningPlugin.addTo(conf, settings.workersPerNode()));
        this.jsc = spark.context();
        // in local mode the executor is this JVM, whose step counters still hold an earlier run's steps (a benchmark
        // trains several entries in one JVM): the first epoch's loss counts from here
        if (jsc.isLocal())
            seen.put(WorkerProbe.executorId() + "/pid" + ProcessHandle.current().pid(),
                    new double[]{WorkerProbe.STEPS.get(), WorkerProbe.SCORES.sum()});
        // Gradient sharing cannot take a new executor into the running mesh: the retried task on a fresh executor
        // waits forever. So a lost executor during an epoch cancels the epoch; it is then redone (see epoch()).
        lossWatch = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onExecutorRemoved(org.apache.spark.scheduler.SparkListenerExecutorRemoved e) {
                String group = running;
                if (group == null) {
                    // the next epoch's job would wait forever for the lost member; epoch() switches before it starts
                    lostBetweenEpochs = e.executorId() + " (" + e.reason() + ")";
                    return;
                }
                lostExecutor = e.executorId() + " (" + e.reason() + ")";
                System.err.printf(Locale.ROOT, "train: executor %s lost during the epoch; cancelling it to redo it%n", lostExecutor);
                jsc.cancelJobGroup(group);
            }
        };
        jsc.sc().addSparkListener(lossWatch);
        String host = jsc.getConf().get("spark.driver.host", "127.0.0.1");
        double threshold = settings.threshold(config.lrNetworks(), config.lrSegmentation());
        if (settings.shared()) {
            VoidConfiguration voidConf = VoidConfiguration.builder()
                    .portSupplier(new FreePortSupplier(null))
                    .controllerAddress(host)
                    .build();
            master = new SharedTrainingMaster.Builder(voidConf, batchPerWorker)
                    .batchSizePerWorker(batchPerWorker)
                    .workersPerNode(settings.workersPerNode())
                    .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(threshold))
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    // Each part is one partition whose batches are made on the executor as its replica trains on them.
                    // DL4J's defaults would cache every batch of the epoch serialised (MEMORY_ONLY_SER) and then
                    // shuffle them into one partition per worker: the batches were serialised and read back twice
                    // (about a third of an executor's time in stack samples on the 2-worker cluster), and at 10^5
                    // particles an epoch's batches do not fit in the executors' storage memory anyway
                    .storageLevel(null)
                    .repartitioner(null)
                    .repartitionData(Repartition.Never)
                    .collectTrainingStats(false)
                    .build();
        } else {
            awaitExecutors();
            master = averaging();
        }
        System.err.printf(Locale.ROOT, "train: Spark %s, master %s, %s, %d part(s), %d images per worker step, %s%n",
                jsc.version(), jsc.master(), settings.shared() ? "gradient sharing (threshold " + String.format(Locale.ROOT, "%.3g", threshold) + ")"
                        : "parameter averaging (every " + settings.averagingFrequency() + " steps)",
                parts.size(), batchPerWorker, settings.shared() ? settings.workersPerNode() + " worker(s) per executor"
                        : "one replica per task slot (" + averagingWorkers + " now)"
                        + (settings.workersPerNode() > 1 ? "; workers_per_node applies to gradient sharing only" : ""));
    }

    /**
     * DL4J's parameter averaging, fed one averaging round per fit (see {@link #averagingRounds}): with exactly its
     * workers × frequency batches or fewer, DL4J trains the RDD as it is, one task per partition. Given a whole epoch
     * it would cache every batch serialised, make one job per round that reads the whole cache and keeps a random
     * share, and shuffle each share into balanced partitions.
     */
    private TrainingMaster averaging() {
        averagingWorkers = averagingReplicas();
        return new ParameterAveragingTrainingMaster.Builder(averagingWorkers, batchPerWorker)
                .batchSizePerWorker(batchPerWorker)
                .averagingFrequency(settings.averagingFrequency())
                // DL4J documents "enabled by default" but the builder's field starts false: without it each average
                // resets every replica's Adam moments to zero and the checkpoints hold no optimiser state
                .saveUpdater(true)
                .rngSeed(config.seed())
                .storageLevel(null)
                .repartionData(Repartition.Never)
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .collectTrainingStats(false)
                // the learning-rate schedules read each batch's progress (TrainingClock)
                .trainingHooks(new BatchProgressHook())
                .build();
    }

    public int batchPerWorker() { return batchPerWorker; }

    /**
     * The training master now in use, as metrics.csv's training_master column names it: "gradient-sharing" or
     * "parameter-averaging" (after the mesh lost a member; see {@link #leaveGradientSharing}).
     */
    public String masterName() {
        return master instanceof SharedTrainingMaster ? "gradient-sharing" : "parameter-averaging";
    }

    /** Trains one epoch on the cluster; returns the driver's network afterwards (it may be a new object). */
    public Outcome epoch(ComputationGraph graph, int epoch) {
        INDArray params = graph.params().dup();
        INDArray updater = graph.getUpdater().getStateViewArray() == null ? null : graph.getUpdater().getStateViewArray().dup();
        Exception last = null;
        for (int attempt = 0; attempt <= settings.epochRetries(); attempt++) {
            if (attempt > 0) {
                graph.params().assign(params);
                if (updater != null) graph.getUpdater().getStateViewArray().assign(updater);
                System.err.printf(Locale.ROOT, "train: epoch %d failed on the cluster (%s); redoing it from the parameters before it (retry %d/%d)%n",
                        epoch + 1, last, attempt, settings.epochRetries());
            }
            String group = "cryosphere-train-epoch-" + (epoch + 1) + "-" + attempt;
            jsc.setJobGroup(group, "cryosphere train: epoch " + (epoch + 1) + (attempt > 0 ? " (retry " + attempt + ")" : ""), true);
            lostExecutor = null;
            running = group;      // from here on a lost executor cancels this epoch (lossWatch)
            String gone = lostBetweenEpochs;
            lostBetweenEpochs = null;
            // measured: an executor killed just after an epoch, before the next job, left the next epoch's retried task
            // waiting forever on the gradient-sharing mesh, since no epoch was running to cancel
            if (gone != null) leaveGradientSharing("executor " + gone + " was lost between epochs");
            try {
                return attempt(graph, epoch);
            } catch (Exception e) {   // SparkException is checked, thrown undeclared by Scala code
                // a GPU the executors cannot use stays unusable: redoing the epoch would only fail again
                String gpu = GpuPinningException.in(e);
                if (gpu != null) throw new EnvironmentException(gpu, e);
                last = e;
                net = null;
                leaveGradientSharing("gradient sharing lost a member" + (lostExecutor == null ? "" : " (executor " + lostExecutor + ")"));
            } finally {
                running = null;
                jsc.clearJobGroup();
            }
        }
        throw new IllegalStateException("epoch " + (epoch + 1) + " failed " + (settings.epochRetries() + 1) + " times on the cluster", last);
    }

    /**
     * The gradient-sharing mesh lost a member and cannot re-form in this driver: the rest of the run uses parameter
     * averaging (plain Spark tasks, so lost executors are simply retried). No-op when already averaging.
     */
    private void leaveGradientSharing(String why) {
        if (!(master instanceof SharedTrainingMaster)) return;
        System.err.printf(Locale.ROOT, "train: %s; the rest of the run uses parameter averaging (every %d steps)%n",
                why, settings.averagingFrequency());
        net = null;
        master = averaging();
    }

    private Outcome attempt(ComputationGraph graph, int epoch) {
        // executors may register after the context started: averaging is rebuilt for the slots there are now
        if (!(master instanceof SharedTrainingMaster) && averagingWorkers != averagingReplicas()) {
            int before = averagingWorkers;
            master = averaging();
            net = null;
            System.err.printf(Locale.ROOT, "train: parameter averaging over %d replicas (task slots; was %d)%n", averagingWorkers, before);
        }
        if (net == null || net.getNetwork() != graph) {
            net = new SparkComputationGraph(jsc, graph, master);
            net.setListeners(new WorkerProbe(Integer.getInteger("cryosphere.train.workerLogEvery", 20)));
        }
        List<PartRef> order = epochOrder(epoch);
        CollectionAccumulator<String> counts = jsc.sc().collectionAccumulator("cryosphere.train.images");
        TrainingClock.Plan plan = plan(graph, epoch);
        long t0 = System.nanoTime();
        ComputationGraph trained;
        if (master instanceof SharedTrainingMaster) {
            // each task trains its own partition to the end of the epoch
            trained = net.fitMultiDataSet(batches(sharingTasks(order, replicas()), counts, epoch, plan));
        } else {
            // one fit per averaging round: each task trains its averaging_frequency batches, then the driver averages
            trained = graph;
            for (List<Share> round : averagingRounds(order, averagingWorkers, settings.averagingFrequency()))
                trained = net.fitMultiDataSet(batches(round, counts, epoch, plan));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> perExecutor = new TreeMap<>();
        long images = 0;
        for (String s : counts.value()) {   // images read into batches, per executor
            String[] f = s.split("=");
            perExecutor.merge(f[0], Long.parseLong(f[1]), Long::sum);
            images += Long.parseLong(f[1]);
        }
        WorkerStats stats = workerStats(trained, settings.checkReplicas());
        double loss = stats.steps() > 0 ? stats.scoreSum() / stats.steps() : net.getScore();
        return new Outcome(trained, loss, images, images / batchPerWorker, seconds, perExecutor, stats.replicas(), stats.gpus());
    }

    /**
     * The epoch's plan for the replicas' learning-rate schedules under gradient sharing ({@link TrainingClock}): the
     * steps a replica takes in it (the epoch's batches over the executors × worker threads). Under parameter averaging
     * the schedules read each batch's own progress ({@link BatchProgressHook}); its plan is only a fallback.
     */
    private TrainingClock.Plan plan(ComputationGraph graph, int epoch) {
        boolean sharing = master instanceof SharedTrainingMaster;
        int replicas = sharing ? replicas() : averagingWorkers;   // the tasks each averaging round is dealt to
        double steps = Math.max(1.0, (double) batchesPerEpoch / replicas);
        long anchor = sharing ? -1 : graph.getConfiguration().getIterationCount();
        return new TrainingClock.Plan(java.util.concurrent.ThreadLocalRandom.current().nextLong(), epoch, steps, anchor);
    }

    /**
     * The epoch's batches in training order: the parts in a seeded order, each whole ({@code [0, rows / batch)}), with
     * each batch's index in the epoch (the schedules' progress is read from it).
     */
    private List<PartRef> epochOrder(int epoch) {
        List<Integer> shuffled = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) shuffled.add(i);
        Collections.shuffle(shuffled, new Random(BatchBuilder.mix(config.seed() ^ 0x5EEDL, epoch, -1)));
        List<PartRef> order = new ArrayList<>();
        long first = 0;
        for (int i : shuffled) {
            int n = partBatches.get(i);
            if (n > 0) order.add(new PartRef(i, parts.get(i), 0, n, first, batchesPerEpoch));
            first += n;
        }
        return order;
    }

    /**
     * Gradient sharing's tasks: one per part, each training its part to the end; a dataset of fewer parts than
     * replicas has each part cut into that many contiguous slices (the same batches, dealt to more tasks).
     */
    static List<Share> sharingTasks(List<PartRef> order, int replicas) {
        int slices = order.isEmpty() ? 1 : (replicas + order.size() - 1) / order.size();
        List<Share> tasks = new ArrayList<>();
        for (PartRef p : order) {
            int n = p.to() - p.from();
            for (int s = 0; s < slices; s++) {
                int from = p.from() + (int) ((long) n * s / slices), to = p.from() + (int) ((long) n * (s + 1) / slices);
                if (to > from) tasks.add(new Share(List.of(p.range(from, to))));
            }
        }
        return tasks;
    }

    /**
     * Parameter averaging's rounds: the epoch's batches in order, dealt {@code frequency} at a time to up to
     * {@code replicas} tasks per round (a task's batches may end one part and start the next); the last round may have
     * fewer tasks, and its last task fewer batches.
     */
    static List<List<Share>> averagingRounds(List<PartRef> order, int replicas, int frequency) {
        List<List<Share>> rounds = new ArrayList<>();
        List<Share> round = new ArrayList<>();
        List<PartRef> task = new ArrayList<>();
        int inTask = 0;
        for (PartRef p : order) {
            int at = p.from();
            while (at < p.to()) {
                int take = Math.min(frequency - inTask, p.to() - at);
                task.add(p.range(at, at + take));
                at += take;
                inTask += take;
                if (inTask == frequency) {
                    round.add(new Share(List.copyOf(task)));
                    task.clear();
                    inTask = 0;
                    if (round.size() == replicas) {
                        rounds.add(List.copyOf(round));
                        round.clear();
                    }
                }
            }
        }
        if (!task.isEmpty()) round.add(new Share(List.copyOf(task)));
        if (!round.isEmpty()) rounds.add(List.copyOf(round));
        return rounds;
    }

    /** One RDD partition per task, made on the executors as the replicas train; its count known without a job. */
    private JavaRDD<MultiDataSet> batches(List<Share> tasks, CollectionAccumulator<String> counts, int epoch,
                                          TrainingClock.Plan plan) {
        long n = 0;
        for (Share t : tasks) for (PartRef r : t.ranges()) n += r.to() - r.from();
        JavaRDD<MultiDataSet> rdd = jsc.parallelize(tasks, Math.max(1, tasks.size()))
                .flatMap(new PartBatches(configJson, config.seed(), epoch, batchPerWorker, counts, plan));
        return new CountedBatches(rdd, n);
    }

    /**
     * Parameter averaging's replicas: one per task slot the executors have now ({@code local[N]}: N; a cluster: each
     * executor's cores over {@code spark.task.cpus}, and its GPUs over the task's).
     */
    private int averagingReplicas() { return Math.max(1, slots()); }

    private int slots() {
        var sc = jsc.sc();
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    /**
     * Before the first epoch on a cluster: waits until the executors that are starting have registered, i.e. until
     * there is a slot and the count has not changed for {@value #SETTLE_MS} ms, at most Spark's
     * {@code spark.scheduler.maxRegisteredResourcesWaitingTime} (30 s). A cluster manager starts an application's
     * executors together, but each is a new JVM that registers seconds after the others; averaging rounds dealt to the
     * first one alone would leave the rest idle until the next epoch (seen in a CI run: the whole epoch on one of two).
     */
    private void awaitExecutors() {
        if (jsc.isLocal()) return;
        long deadline = System.nanoTime() + jsc.getConf().getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s") * 1_000_000L;
        int slots = slots();
        long since = System.nanoTime();
        while (System.nanoTime() < deadline && !(slots > 0 && System.nanoTime() - since >= SETTLE_MS * 1_000_000L)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int now = slots();
            if (now != slots) {
                slots = now;
                since = System.nanoTime();
            }
        }
    }

    private static final long SETTLE_MS = 5_000;

    /** Gradient sharing's model replicas: one per worker thread of each executor (local mode: one JVM, one replica). */
    private int replicas() {
        int executors = jsc.isLocal() ? 1 : Math.max(1, jsc.sc().getExecutorMemoryStatus().size() - 1);
        return Math.max(1, executors * settings.workersPerNode());
    }

    /**
     * Steps and summed scores of this epoch over the executors that reported, the replica comparison, and the GPUs
     * each executor's training threads used (executor id → addresses).
     */
    record WorkerStats(long steps, double scoreSum, String replicas, Map<String, String> gpus) {}

    private final Map<String, double[]> seen = new java.util.HashMap<>();

    /**
     * A small job whose tasks report, per executor JVM, the steps and summed minibatch scores of its replica so far
     * (the epoch's loss is the difference to the previous report) and, if asked, the replica's parameters: those are
     * compared with the driver's as the relative L2 distance |p_executor - p_driver| / |p_driver|.
     */
    private WorkerStats workerStats(ComputationGraph driver, boolean params) {
        int tasks = Math.max(4, 4 * jsc.sc().getExecutorMemoryStatus().size());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) ids.add(i);
        Map<String, Object[]> reports = new TreeMap<>();
        for (Object[] r : jsc.parallelize(ids, tasks).mapPartitions((FlatMapFunction<Iterator<Integer>, Object[]>) it -> {
            var m = WorkerProbe.replica;
            if (m == null) return Collections.<Object[]>emptyIterator();
            float[] p = params ? m.params().dup().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector() : null;
            return List.<Object[]>of(new Object[]{WorkerProbe.executorId() + "/pid" + ProcessHandle.current().pid(),
                    WorkerProbe.STEPS.get(), WorkerProbe.SCORES.sum(), p, GpuPinning.trainingGpus()}).iterator();
        }).collect()) reports.putIfAbsent((String) r[0], r);
        long steps = 0;
        double sum = 0;
        INDArray d = driver.params().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(-1);
        double norm = d.norm2Number().doubleValue();
        StringBuilder sb = new StringBuilder();
        Map<String, String> gpus = new TreeMap<>();
        for (var e : reports.entrySet()) {
            Object[] r = e.getValue();
            if (!((String) r[4]).isEmpty()) gpus.put(e.getKey().substring(0, e.getKey().lastIndexOf("/pid")), (String) r[4]);
            double[] before = seen.getOrDefault(e.getKey(), new double[2]);
            steps += (long) r[1] - (long) before[0];
            sum += (double) r[2] - before[1];
            seen.put(e.getKey(), new double[]{(long) r[1], (double) r[2]});
            if (r[3] != null) {
                double rel = Nd4j.create((float[]) r[3]).sub(d).norm2Number().doubleValue() / norm;
                sb.append(sb.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "executor %s: rel.L2 %.3e", e.getKey(), rel));
            }
        }
        return new WorkerStats(steps, sum, sb.toString(), gpus);
    }

    @Override
    public void close() {
        jsc.sc().removeSparkListener(lossWatch);
        spark.close();
    }

    /**
     * Batches {@code [from, to)} of one part file (its index in the dataset's part list; batch b is rows
     * {@code [b·batch, (b+1)·batch)} of the part's seeded shuffle), and the index in the epoch's order of its batch
     * {@code from}, of {@code total}: the schedules' progress is read from it (see {@link PartBatches}). The batches
     * depend only on the part and the batch index, not on how an epoch is cut into ranges.
     */
    record PartRef(int index, String uri, int from, int to, long first, long total) implements Serializable {
        PartRef range(int from, int to) { return new PartRef(index, uri, from, to, first + (from - this.from), total); }
    }

    /** One task's batches: one or more ranges, trained in this order. */
    record Share(List<PartRef> ranges) implements Serializable {}

    /**
     * Batches whose number is known without making them. Both DL4J masters count the RDD before training (gradient
     * sharing for its statistics, parameter averaging to cut it into rounds); uncached, that count would make every
     * batch once more.
     */
    static final class CountedBatches extends JavaRDD<MultiDataSet> {
        private static final long serialVersionUID = 1L;
        private final long count;

        CountedBatches(JavaRDD<MultiDataSet> batches, long count) {
            super(batches.rdd(), batches.classTag());
            this.count = count;
        }

        @Override
        public long count() { return count; }
    }

    /**
     * On an executor: a task's ranges → each range's part file read and its rows shuffled (seeded by seed, epoch, part)
     * → MultiDataSets of {@code batch} rows (a part's incomplete tail is never a batch).
     */
    static final class PartBatches implements FlatMapFunction<Share, MultiDataSet> {
        private static final long serialVersionUID = 1L;
        private final String configJson;
        private final long seed;
        private final int epoch;
        private final int batch;
        private final CollectionAccumulator<String> counts;
        private final TrainingClock.Plan plan;

        PartBatches(String configJson, long seed, int epoch, int batch, CollectionAccumulator<String> counts,
                    TrainingClock.Plan plan) {
            this.configJson = configJson;
            this.seed = seed;
            this.epoch = epoch;
            this.batch = batch;
            this.counts = counts;
            this.plan = plan;
        }

        @Override
        public Iterator<MultiDataSet> call(Share share) {
            // a GPU Spark assigned but this executor cannot use fails the job here, with the fix (GpuPinningPlugin)
            GpuPinning.requireUsable();
            // this JVM's replicas count their steps in this epoch's plan for their learning-rate schedules (see
            // TrainingClock: DL4J makes batches ahead of the steps, so no clock set while making them can work). The
            // loss weights and τ travel in each batch and are exact
            TrainingClock.setPlan(plan);
            BatchBuilder builder = new BatchBuilder(ModelConfig.fromJson(configJson));
            long images = 0;
            for (PartRef r : share.ranges()) images += (long) (r.to() - r.from()) * batch;
            counts.add(WorkerProbe.executorId() + "=" + images);
            Iterator<PartRef> ranges = share.ranges().iterator();
            return new Iterator<>() {
                PartRef range;
                List<BatchBuilder.Row> rows;
                int next;

                @Override
                public boolean hasNext() {
                    while (range == null || next >= range.to()) {
                        if (!ranges.hasNext()) return false;
                        range = ranges.next();
                        rows = rows(range);   // read when the task reaches it: one part's rows in memory at a time
                        next = range.from();
                    }
                    return true;
                }

                @Override
                public MultiDataSet next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    List<BatchBuilder.Row> slice = rows.subList(next * batch, (next + 1) * batch);
                    long batchIndex = ((long) range.index() << 32) | next;
                    // the schedules' progress (epochs): the epoch plus the share of its batches before this one. Tasks
                    // train side by side, so a schedule on Spark switches up to (tasks at once)/(batches) of an
                    // epoch apart on different replicas
                    double t = epoch + (double) (range.first() + next - range.from()) / range.total();
                    next++;
                    return BatchProgressHook.tag(builder.build(slice, seed, epoch, batchIndex, t), t);
                }
            };
        }

        private List<BatchBuilder.Row> rows(PartRef range) {
            List<BatchBuilder.Row> rows = new ArrayList<>();
            try (DatasetReader.BatchStream s = DatasetReader.readPart(range.uri(), 1024, true)) {
                while (s.hasNext()) {
                    ParticleBatch b = s.next();
                    for (int i = 0; i < b.size; i++)
                        rows.add(new BatchBuilder.Row(b.particleIndex[i], b.images[i], b.rotation[i], b.originXAngst[i],
                                b.originYAngst[i], b.ctf[i]));
                }
            }
            if ((long) range.to() * batch > rows.size())
                throw new IllegalStateException(range.uri() + ": " + rows.size() + " rows, but the dataset's info lists enough for "
                        + range.to() + " batches of " + batch + " (was the part replaced after ingest?)");
            Collections.shuffle(rows, new Random(BatchBuilder.mix(seed ^ 0x5EEDL, epoch, range.index())));
            return rows;
        }
    }
}
