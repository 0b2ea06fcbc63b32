package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.MapFrame;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.Progress;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.model.Segmentation;
import dev.cryosphere.trainer.model.TrainingClock;
import dev.cryosphere.trainer.spark.SparkEpochs;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Single-JVM training of the cryoSPHERE model from an ingested dataset into a run folder ({@link RunLayout}):
 * a seeded shuffle per epoch, one optimiser step per batch, metrics per epoch, an atomic checkpoint every
 * {@code checkpoint_every} epochs and at the end. {@code resume} continues from the newest complete checkpoint and
 * reproduces the uninterrupted run exactly (all randomness derives from seed, epoch and batch).
 * <p>
 * The run folder is written through {@link RunOutput} under a {@link RunLock}: a new run appears at its first
 * checkpoint, an --overwrite replaces RUN only when complete, a second train of RUN is refused.
 * <p>
 * No NaN reaches the saved weights: the parameters and optimiser state are copied before each step; a non-finite loss
 * or parameter restores them, names the epoch, batch and loss term, and stops (the last checkpoint stays the newest).
 */
public final class Trainer {
    /** What to train. {@code epochs} (nullable) overrides the configuration's. */
    public record Options(Path data, Path structure, Path run, Path configFile, Integer epochs, Long seed,
                          boolean resume, boolean overwrite, String commandLine, String master, Path map) {
        /** Without a consensus map: the structure is in the box frame. */
        public Options(Path data, Path structure, Path run, Path configFile, Integer epochs, Long seed,
                       boolean resume, boolean overwrite, String commandLine, String master) {
            this(data, structure, run, configFile, epochs, seed, resume, overwrite, commandLine, master, null);
        }

        /** Single-JVM training. */
        public Options(Path data, Path structure, Path run, Path configFile, Integer epochs, Long seed,
                       boolean resume, boolean overwrite, String commandLine) {
            this(data, structure, run, configFile, epochs, seed, resume, overwrite, commandLine, null);
        }
    }

    public record Result(Path run, int epochsDone, double lastLoss, double imagesPerSecond) {}

    /** One finished epoch (0-based {@code epoch}), after its metrics row and any checkpoint were written. */
    public record EpochDone(int epoch, int epochs, long images, double trainSeconds, double loss) {}

    /** Told after each epoch, on the training thread ({@code cryosphere bench-train --data} measures with it). */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(EpochDone e);
    }

    private final ComputationGraph graph;
    private final ModelConfig config;
    private RunLayout layout;
    private RunOutput output;
    private final DatasetReader data;
    private final BatchBuilder builder;
    private final int checkpointEvery;
    private TrainState state;
    private ComputationGraph graphRef;
    private String master;
    private SparkSettings sparkSettings;
    /** The NaN guard's copies, reused at every step (allocating them per step grew RSS ~1 GiB per epoch, issue 20). */
    private StepGuard guard = new StepGuard();
    /** Threads of single-JVM training ({@link SplitBatchStep}). */
    private int threads = 1;

    private Trainer(ComputationGraph graph, ModelConfig config, RunLayout layout, DatasetReader data, TrainState state,
                    int checkpointEvery) {
        this.graph = graph;
        this.config = config;
        this.layout = layout;
        this.data = data;
        this.builder = new BatchBuilder(config);
        this.state = state;
        this.checkpointEvery = checkpointEvery;
        this.graphRef = graph;
    }

    /** Where the run folder goes ({@link RunOutput}): told after each checkpoint and at the end. */
    private Trainer writingTo(RunOutput output) {
        this.output = output;
        return this;
    }

    /** Saves a checkpoint; a new run's folder becomes RUN at its first one ({@link RunOutput#checkpointed()}). */
    private void checkpoint(ComputationGraph graph) {
        Checkpoints.save(layout, graph, state);
        if (output != null) layout = output.checkpointed();
    }

    /** The run completed: an unfinished replacement is swapped onto RUN ({@link RunOutput#completed()}). */
    private void completed() {
        if (output != null) layout = output.completed();
    }

    /** Single-JVM training splits each batch across this many threads ({@link SplitBatchStep}); not used on Spark. */
    private Trainer onThreads(int threads) {
        this.threads = Math.max(1, threads);
        return this;
    }

    private Trainer distributed(String master, SparkSettings settings) {
        this.master = master;
        this.sparkSettings = settings == null ? new SparkSettings() : settings;
        return this;
    }

    public static Result run(Options o) {
        return run(o, folder -> {});
    }

    /** As {@link #run(Options)}; {@code onRunFolder} is called once the run folder exists for this run (the CLI opens its log file there). */
    public static Result run(Options o, java.util.function.Consumer<Path> onRunFolder) {
        return run(o, onRunFolder, e -> {});
    }

    /** As {@link #run(Options, java.util.function.Consumer)}; {@code onEpoch} is told after each epoch. */
    public static Result run(Options o, java.util.function.Consumer<Path> onRunFolder, EpochListener onEpoch) {
        RUN_FOLDER_READY.set(onRunFolder);
        EPOCH_DONE.set(onEpoch);
        try {
            return runInFolder(o);
        } finally {
            RUN_FOLDER_READY.remove();
            EPOCH_DONE.remove();
        }
    }

    private static final ThreadLocal<java.util.function.Consumer<Path>> RUN_FOLDER_READY = new ThreadLocal<>();
    private static final ThreadLocal<EpochListener> EPOCH_DONE = new ThreadLocal<>();

    private static void epochDone(EpochDone e) {
        EpochListener l = EPOCH_DONE.get();
        if (l != null) l.epochDone(e);
    }

    private static Result runInFolder(Options o) {
        if (o.epochs() != null && o.epochs() < 1)
            throw new InputException(null, "--epochs", "must be at least 1, got " + o.epochs());
        DatasetReader data = DatasetReader.open(o.data().toAbsolutePath().toString());
        DatasetInfo info = data.info();
        if (!info.hasPoses())
            throw new InputException(o.data(), "_dataset.json", "ingested with --allow-no-poses: the source has no "
                    + String.join(", ", info.missingPoseColumns()) + " (stored as 0 in every row); training needs each "
                    + "particle's pose: ingest metadata that has them (e.g. a RELION Refine3D or cryoSPARC refinement)");
        if (info.pixelSize() == null)
            throw new InputException(o.data(), "_dataset.json", "optics groups have different pixel sizes ("
                    + info.opticsGroups().stream().map(g -> g.number() + ": " + g.pixelSize() + " Å")
                    .collect(java.util.stream.Collectors.joining(", ")) + "): ingest again with --apix A --box N, which "
                    + "Fourier-crops or pads every group to A Å/px and N px (e.g. --apix " + info.opticsGroups().stream()
                    .mapToDouble(DatasetInfo.Group::pixelSize).max().orElse(0) + ")");
        // one train per run folder; everything below (what exists, what is written) happens under the lock
        try (RunLock lock = RunLock.acquire(o.run())) {
            Path target = o.run().toAbsolutePath().normalize();
            var pending = o.resume() ? RunOutput.findPending(target) : java.util.Optional.<Path>empty();
            RunOutput[] out = {null};
            try {
                if (pending.isPresent()) return resume(o, pending.get(), data, out);
                if (o.resume() && Files.exists(new RunLayout(target).configJson())) return resume(o, target, data, out);
                return start(o, data, out);
            } catch (RuntimeException | Error e) {
                // a new run that failed before its first checkpoint leaves nothing; one with checkpoints is kept: say where
                String note = out[0] == null ? null : out[0].failed();
                if (note == null) throw e;
                if (e instanceof TrainingDivergedException) throw new TrainingDivergedException(e.getMessage() + "; " + note);
                if (e instanceof InputException) throw new InputException(null, null, e.getMessage() + "; " + note, e);
                System.err.println("train: " + note);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result start(Options o, DatasetReader data, RunOutput[] out) throws IOException {
        if (o.structure() == null) throw new InputException(null, "--structure", "required for a new run");
        Path target = o.run().toAbsolutePath().normalize();
        if (Files.exists(o.run()) && !o.overwrite())
            throw new InputException(o.run(), null, Files.exists(new RunLayout(target).configJson())
                    ? "already exists (use --resume to continue it or --overwrite to replace it)"
                    : "already exists and is not a training run (no config.json), so there is nothing to --resume; use --overwrite to replace it");
        var pending = RunOutput.findPending(target);
        if (pending.isPresent() && !o.overwrite())
            throw new InputException(o.run(), null, "an unfinished run of it is kept in " + pending.get()
                    + " (use --resume to continue it or --overwrite to discard it)");
        // everything is read and checked before anything is written
        AtomicModel base = AtomicModel.read(o.structure());
        MapFrame frame = o.map() == null ? null : MapFrame.read(o.map());
        if (frame != null) {
            base = frame.toBox(base);   // the model as fitted into the map, moved into the particles' box frame
            System.err.println("train: map frame " + frame.describe() + "; the structure is moved by its negative");
        }
        RunConfig rc = o.configFile() != null ? RunConfig.read(o.configFile()) : RunConfig.defaults();
        if (o.epochs() != null) rc.epochs = TrainingTime.epochs(o.epochs());
        if (o.seed() != null) rc.seed = o.seed();
        DatasetInfo info = data.info();
        ModelConfig config = rc.toModelConfig(info.box(), info.pixelSize(), info.normalization().fStd(), base, data.count(),
                o.configFile() != null ? o.configFile() : "defaults");
        ForwardModelCheck.Result check = ForwardModelCheck.measure(data, base, config.box(), config.apix(), config.sigma());
        if (check.count() >= 2) {
            System.err.println(check.line());
            if (!check.matches()) System.err.println(check.warning());
        }
        // the new run is built beside RUN and becomes RUN at its first checkpoint (no RUN yet) or when it completes
        out[0] = RunOutput.fresh(target);
        RunLayout layout = new RunLayout(out[0].work());
        Files.createDirectories(layout.checkpoints());
        Files.writeString(layout.configJson(), config.toJson());
        Checkpoints.copyBaseStructure(layout, o.structure());
        writeRunJson(layout, o, rc, frame);
        Files.writeString(layout.metrics(), Metrics.header(config));
        ComputationGraph graph = CryoSphereGraph.create(CryoSphereGraph.configuration(config, BaseStructure.of(base)));
        TrainState state = new TrainState(-1, config.epochs(), config.seed(), 0, 0, 0);
        return new Trainer(graph, config, layout, data, state, rc.checkpointEvery()).distributed(o.master(), rc.spark)
                .onThreads(rc.threads(cores())).writingTo(out[0]).train();
    }

    /** Resumes the run in {@code folder}: RUN itself, or an unfinished run of RUN kept in its temporary folder. */
    private static Result resume(Options o, Path folder, DatasetReader data, RunOutput[] out) throws IOException {
        Path target = o.run().toAbsolutePath().normalize();
        RunLayout layout = new RunLayout(folder);
        ModelConfig config = layout.readConfig();
        DatasetInfo info = data.info();
        if (info.box() != config.box() || Math.abs(info.pixelSize() - config.apix()) > 1e-6)
            throw new InputException(o.data(), "_dataset.json", "box " + info.box() + " at " + info.pixelSize()
                    + " Å/px does not match the run's " + config.box() + " at " + config.apix() + " Å/px");
        int every = readCheckpointEvery(layout);
        int threads = readThreads(layout);
        RunConfig given = o.configFile() != null ? RunConfig.read(o.configFile()) : null;
        ResumeCheck.requireSameSettings(o, layout, config, given, every, threads, data.count());
        var latest = layout.latestCheckpoint();
        if (o.epochs() != null && latest.isPresent() && o.epochs() < latest.get())
            throw new InputException(null, "--epochs", o.epochs() + " is fewer than the " + latest.get()
                    + " epochs the run has done");
        SparkSettings spark = given != null ? given.spark : readSparkSettings(layout);
        // a damaged checkpoint is found before anything is written (config.json's epochs included)
        ComputationGraph resumedGraph = latest.isPresent() ? Checkpoints.loadGraph(layout, latest.get()) : null;
        // checked; from here on the run folder is written
        out[0] = folder.equals(target) ? RunOutput.inPlace(target) : RunOutput.pending(target, folder);
        if (!out[0].inPlace())
            System.err.printf(Locale.ROOT, "train: continuing the unfinished run kept in %s; it replaces %s when it completes%n",
                    folder, target);
        layout = new RunLayout(out[0].work());
        RunOutput.removeStaleOld(target);
        int renumbered = layout.renumberLegacyCheckpoints();
        if (renumbered > 0)
            System.err.printf(Locale.ROOT, "train: renamed %d checkpoint folder(s) of %s to 1-based numbers (epoch-0001 = after "
                    + "the first epoch)%n", renumbered, layout.root());
        if (o.epochs() != null && o.epochs() != config.epochs()) {
            System.err.printf(Locale.ROOT, "train: epochs %d -> %d (the KL schedules follow the new total)%n", config.epochs(), o.epochs());
            config = config.withEpochs(o.epochs());
            Files.writeString(layout.configJson(), config.toJson());
        }
        if (latest.isEmpty()) {
            AtomicModel base = RunFrame.baseModel(layout);
            ComputationGraph graph = CryoSphereGraph.create(CryoSphereGraph.configuration(config, BaseStructure.of(base)));
            Files.writeString(layout.metrics(), Metrics.header(config));
            return new Trainer(graph, config, layout, data, new TrainState(-1, config.epochs(), config.seed(), 0, 0, 0), every)
                    .distributed(o.master(), spark).onThreads(threads).writingTo(out[0]).train();
        }
        int epoch = latest.get();
        ComputationGraph graph = resumedGraph;
        TrainState state = Checkpoints.loadState(layout, epoch);
        Metrics.truncateAfter(layout.metrics(), state.epoch());
        System.err.printf(Locale.ROOT, "train: resuming %s after epoch %d%n", layout.root(), epoch);
        return new Trainer(graph, config, layout, data, state, every).distributed(o.master(), spark).onThreads(threads)
                .writingTo(out[0]).train();
    }

    private Result train() {
        var ready = RUN_FOLDER_READY.get();
        if (ready != null) ready.accept(layout.root());
        try {
            return master != null && !master.isBlank() ? trainOnSpark() : trainHere();
        } finally {
            TrainingClock.clear();
        }
    }

    private Result trainHere() {
        int batch = config.batchSize();
        if (threads > 1) {
            guard = new StepGuard(new SplitBatchStep(graph, threads));
            // each replica's ops on their share of the cores (the launcher sets OMP_NUM_THREADS=1 on 2 cores)
            if (System.getenv("OMP_NUM_THREADS") == null)
                org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(Math.max(1, cores() / threads));
            System.err.printf(Locale.ROOT, "train: %d threads, each batch of %d split across %d replicas of the model%n",
                    threads, batch, threads);
        }
        long perEpoch = data.count() / batch;
        if (perEpoch == 0)
            throw new InputException(data.uri(), "count", "the dataset has " + data.count() + " images, fewer than one batch of " + batch);
        double lastLoss = Double.NaN, rate = 0;
        for (int epoch = state.epoch() + 1; epoch < config.epochs(); epoch++) {
            // the learning-rate schedules (scheduler:) read the progress from the clock; a resumed graph starts anywhere
            graph.getConfiguration().setEpochCount(epoch);
            double[] betas = builder.betas(epoch);
            Progress progress = new Progress(String.format(Locale.ROOT, "train epoch %d/%d", epoch + 1, config.epochs()),
                    "images", perEpoch * batch, System.err, 30_000);   // within long epochs only
            long t0 = System.nanoTime();
            double sum = 0;
            long steps = 0;
            double[] terms = null;
            EpochBatches batches = new EpochBatches(data, batch, config.seed(), epoch);
            while (batches.hasNext()) {
                // every schedule (loss weights, τ, learning rates) follows the progress within the epoch, so a run of a
                // few long epochs anneals as one of many short ones does per image seen
                double t = epoch + (double) steps / perEpoch;
                TrainingClock.setProgress(t);
                double[] stepBetas = builder.betas(t);
                MultiDataSet mds = builder.build(batches.next(), config.seed(), epoch, steps, stepBetas, config.tauAt(t));
                TestHooks.poison(mds, epoch, steps);
                if (steps == 0) terms = LossProbe.terms(graph, mds, config, betas);
                double score = step(mds, epoch, steps, stepBetas);
                StepGuard.release(mds);   // its ~6 MB off the Java heap now, not at the next garbage collection
                sum += score;
                steps++;
                progress.update(steps * batch);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            lastLoss = sum / steps;
            rate = steps * batch / seconds;
            state = new TrainState(epoch, config.epochs(), config.seed(), state.imagesSeen() + steps * batch,
                    state.iterations() + steps, state.wallSeconds() + seconds);
            Metrics.append(layout.metrics(), epoch, lastLoss, terms, betas, config, segmentSizes(), rate, state.wallSeconds(), "jvm");
            System.err.println(TrainReport.epochLine(epoch, config.epochs(), lastLoss, terms, rate, eta(epoch), null));
            if ((epoch + 1) % checkpointEvery == 0 || epoch == config.epochs() - 1) checkpoint(graph);
            epochDone(new EpochDone(epoch, config.epochs(), steps * batch, seconds, lastLoss));
            TestHooks.crashAfter(epoch);
        }
        guard.close();
        completed();
        reportSegmentation(graph);
        return new Result(layout.root(), state.epoch() + 1, lastLoss, rate);
    }

    /** Seconds left at this run's mean epoch time so far (resumed runs included). */
    private double eta(int epoch) {
        return (config.epochs() - epoch - 1) * state.wallSeconds() / (epoch + 1);
    }

    /**
     * The same epochs on Spark ({@link SparkEpochs}): checkpoints, metrics rows and resume state as in single-JVM mode.
     * The loss column is the mean minibatch score across the workers (DL4J's training-master score); the per-term
     * columns come from {@link LossProbe} on one probe batch (the epoch's first batch) read on the driver before the
     * epoch, as the single-JVM loop does on its first batch.
     */
    private Result trainOnSpark() {
        double lastLoss = Double.NaN, rate = 0;
        try (SparkEpochs spark = new SparkEpochs(master, sparkSettings, config, data)) {
            if (data.count() / spark.batchPerWorker() == 0)
                throw new InputException(data.uri(), "count", "the dataset has " + data.count() + " images, fewer than one batch of " + spark.batchPerWorker());
            ComputationGraph graph = graphRef;
            Map<String, String> gpus = Map.of();
            for (int epoch = state.epoch() + 1; epoch < config.epochs(); epoch++) {
                double[] betas = builder.betas(epoch);
                EpochBatches first = new EpochBatches(data, Math.min(config.batchSize(), (int) data.count()), config.seed(), epoch);
                double[] terms = LossProbe.terms(graph, builder.build(first.next(), config.seed(), epoch, -1, epoch), config, betas);
                SparkEpochs.Outcome o = spark.epoch(graph, epoch);
                graph = o.graph();
                graphRef = graph;
                lastLoss = o.loss();
                if (!Double.isFinite(lastLoss) || !Double.isFinite(graph.params().sumNumber().doubleValue()))
                    throw new TrainingDivergedException(String.format(Locale.ROOT, "non-finite loss or parameters after epoch %d "
                            + "on the cluster; the newest checkpoint (%s) is the last good state", epoch + 1,
                            layout.latestCheckpoint().map(e -> "epoch " + e).orElse("none yet")));
                rate = o.images() / o.seconds();
                state = new TrainState(epoch, config.epochs(), config.seed(), state.imagesSeen() + o.images(),
                        state.iterations() + o.steps(), state.wallSeconds() + o.seconds());
                Metrics.append(layout.metrics(), epoch, lastLoss, terms, betas, config, segmentSizes(graph), rate, state.wallSeconds(),
                        spark.masterName());
                System.err.println(TrainReport.epochLine(epoch, config.epochs(), lastLoss, terms, rate, eta(epoch),
                        "across the cluster, images per executor " + o.imagesPerExecutor()));
                if (!o.replicas().isEmpty())
                    System.err.printf(Locale.ROOT, "train: replicas after epoch %d vs the driver: %s%n", epoch + 1, o.replicas());
                if (!o.gpusPerExecutor().isEmpty() && !o.gpusPerExecutor().equals(gpus)) {
                    // which GPU each executor trained on: the log and run.json (executor_gpus), when it changes
                    gpus = o.gpusPerExecutor();
                    System.err.printf(Locale.ROOT, "train: GPU address(es) per executor after epoch %d: %s%n", epoch + 1, gpus);
                    RunJson.putExecutorGpus(layout, gpus);
                }
                if ((epoch + 1) % checkpointEvery == 0 || epoch == config.epochs() - 1) checkpoint(graph);
                epochDone(new EpochDone(epoch, config.epochs(), o.images(), o.seconds(), lastLoss));
                TestHooks.crashAfter(epoch);
            }
        }
        completed();
        reportSegmentation(graphRef);
        return new Result(layout.root(), state.epoch() + 1, lastLoss, rate);
    }

    /**
     * With the reference's variational start (segment means drawn ± 10 residues per image) and its KL to the start,
     * the GMM typically stays where it started (measured; docs/benchmarks.md, "Learning the segmentation"). Say so when it did,
     * since a user would otherwise read the start's uniform split as a learned segmentation.
     */
    private void reportSegmentation(ComputationGraph graph) {
        ModelConfig.GmmValues now = TrainedModel.gmmOf(graph), start = config.startValues();
        double moved = 0, startStd = 0;
        for (int k = 0; k < now.size(); k++) {
            moved = Math.max(moved, Math.abs(now.meansMeans()[k] - start.meansMeans()[k]));
            startStd = Math.max(startStd, Math.abs(start.meansStds()[k]));
        }
        AtomicModel base = RunFrame.baseModel(layout);
        int r = base.size();
        double[] zero = new double[3 * config.segments()];
        int[] learned = TrainReport.owners(Segmentation.weights(now, config, r, zero, config.tau()));
        int[] initial = TrainReport.owners(Segmentation.weights(start, config, r, zero, config.tau()));
        System.out.println("train: " + TrainReport.segmentsLine(base, learned, config.segments()));
        int shift = TrainReport.boundaryShift(initial, learned);
        boolean unlearned = moved < 1 && startStd >= 1;
        if (shift == 0 || unlearned)
            System.out.printf(Locale.ROOT, "warning: the segmentation %s: its boundaries moved %d residue(s) and the segment "
                    + "means at most %.2f residues from their start%s; see docs/user-guide.md, \"Learning the segmentation\"%n",
                    shift == 0 ? "did not move" : "did not learn", shift, moved, unlearned ? String.format(Locale.ROOT,
                            " (the variational GMM, start stds %.3g residues, has not learned from the data)", startStd) : "");
    }

    /** One optimiser step; restores the pre-step weights and stops if anything became non-finite. */
    private double step(MultiDataSet mds, int epoch, long batch, double[] betas) {
        double score = guard.fit(graph, mds);
        if (!Double.isNaN(score)) return score;
        score = graph.score();
        String term = LossProbe.nonFiniteTerm(graph, mds, config, betas);
        throw new TrainingDivergedException(String.format(Locale.ROOT,
                "non-finite %s at epoch %d, batch %d (loss %s); the weights were not updated; the newest checkpoint (%s) "
                        + "is the last good state", term, epoch + 1, batch + 1, score,
                layout.latestCheckpoint().map(e -> "epoch " + e).orElse("none yet")));
    }

    /**
     * One optimiser step with the NaN guard: returns the score, or NaN after restoring the pre-step parameters and
     * optimiser state when the loss or a parameter became non-finite. Public for {@code cryosphere bench-train}.
     */
    public static double guardedFit(ComputationGraph graph, MultiDataSet mds) {
        try (StepGuard g = new StepGuard()) {
            return g.fit(graph, mds);
        }
    }

    /** The per-epoch loss terms (see {@link LossProbe#terms}); public for {@code cryosphere bench-train}. */
    public static double[] probe(ComputationGraph graph, MultiDataSet batch, ModelConfig config, double[] betas) {
        return LossProbe.terms(graph, batch, config, betas);
    }

    /** Residues per segment under the current mean segmentation (argmax of the weights). */
    private int[] segmentSizes() {
        return segmentSizes(graph);
    }

    private int[] segmentSizes(ComputationGraph graph) {
        ModelConfig.GmmValues q = TrainedModel.gmmOf(graph);
        int r = BaseStructure.of(RunFrame.baseModel(layout)).residues();
        double[][] w = Segmentation.weights(q, config, r, new double[3 * config.segments()], config.tau());
        int[] sizes = new int[config.segments()];
        for (double[] row : w) {
            int best = -1;
            double max = 0;
            for (int k = 0; k < row.length; k++) if (row[k] > max) { max = row[k]; best = k; }
            if (best >= 0) sizes[best]++;
        }
        return sizes;
    }


    private static void writeRunJson(RunLayout layout, Options o, RunConfig rc, MapFrame frame) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", o.data().toAbsolutePath().toString());
        m.put("structure", o.structure().toAbsolutePath().toString());
        m.put("map", frame == null ? null : o.map().toAbsolutePath().toString());
        m.put(RunFrame.KEY, frame == null ? null : frame.centre());
        m.put("config_file", o.configFile() == null ? null : o.configFile().toAbsolutePath().toString());
        m.put("preset", rc.preset);
        m.put("seed", rc.seed);
        m.put("checkpoint_every", rc.checkpointEvery());
        m.put("threads", rc.threads(cores()));
        m.put("spark", rc.spark);
        m.put("command_line", o.commandLine());
        m.put("software", "cryosphere-spark " + String.valueOf(Trainer.class.getPackage().getImplementationVersion()));
        m.put("created", Instant.now().toString());
        Files.writeString(layout.runJson(), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
    }

    private static SparkSettings readSparkSettings(RunLayout layout) throws IOException {
        if (!Files.exists(layout.runJson())) return new SparkSettings();
        var node = new ObjectMapper().readTree(layout.runJson().toFile()).get("spark");
        return node == null || node.isNull() ? new SparkSettings() : new ObjectMapper().treeToValue(node, SparkSettings.class);
    }

    /** The cores this JVM may use (a container's or a cgroup's limit included). */
    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The run's threads, as recorded: a resumed run keeps them, so that it computes the very steps the uninterrupted
     * run would (runs recorded before the key trained on 1).
     */
    private static int readThreads(RunLayout layout) throws IOException {
        if (!Files.exists(layout.runJson())) return 1;
        var node = new ObjectMapper().readTree(layout.runJson().toFile()).get("threads");
        return node == null ? 1 : Math.max(1, node.asInt());
    }

    private static int readCheckpointEvery(RunLayout layout) throws IOException {
        if (!Files.exists(layout.runJson())) return 1;
        var node = new ObjectMapper().readTree(layout.runJson().toFile()).get("checkpoint_every");
        return node == null ? 1 : Math.max(1, node.asInt());
    }

    /**
     * Fault injection for the tests (system properties, never set in production): {@code cryosphere.train.crashAfterEpoch=E}
     * dies after epoch E (1-based) as a crash would; {@code cryosphere.train.poison=E:B} puts a NaN into the images of
     * batch B of epoch E (1-based) to exercise the divergence guard.
     */
    static final class TestHooks {
        private TestHooks() {}

        static void crashAfter(int epoch) {
            String v = System.getProperty("cryosphere.train.crashAfterEpoch");
            if (v != null && Integer.parseInt(v) == epoch + 1) throw new IllegalStateException("test hook: crash after epoch " + (epoch + 1));
        }

        static void poison(MultiDataSet mds, int epoch, long batch) {
            String v = System.getProperty("cryosphere.train.poison");
            if (v == null) return;
            String[] f = v.split(":");
            if (Integer.parseInt(f[0]) == epoch + 1 && Long.parseLong(f[1]) == batch + 1) {
                mds.getFeatures(0).putScalar(0, 0, Float.NaN);
                mds.getLabels(0).putScalar(0, 0, Float.NaN);
            }
        }
    }

    /** metrics.csv: one row per epoch. */
    static final class Metrics {
        private Metrics() {}

        static String header(ModelConfig c) {
            List<String> names = new ArrayList<>(List.of("epoch", "loss", "correlation"));
            names.addAll(List.of(LossProbe.TERMS));
            for (String t : LossProbe.TERMS) names.add("beta_" + t);
            names.addAll(List.of("lr_networks", "lr_segmentation"));
            for (int k = 0; k < c.segments(); k++) names.add("segment_" + k + "_residues");
            names.addAll(List.of("images_per_s", "wall_s", "training_master"));
            return records(List.of(names));
        }

        /** @param master "jvm", or on Spark the training master that trained the epoch ({@link SparkEpochs#masterName()}) */
        static void append(Path file, int epoch, double loss, double[] terms, double[] betas, ModelConfig c, int[] sizes,
                           double rate, double wall, String master) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(epoch + 1));
            row.add(fmt(loss));
            for (double t : terms) row.add(fmt(t));
            for (double b : betas) row.add(fmt(b));
            row.add(fmt(c.lrNetworks(epoch)));
            row.add(fmt(c.lrSegmentation(epoch)));
            for (int s : sizes) row.add(Integer.toString(s));
            row.add(String.format(Locale.ROOT, "%.2f", rate));
            row.add(String.format(Locale.ROOT, "%.2f", wall));
            row.add(master);
            try {
                Files.writeString(file, records(List.of(row)), StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Drops rows of epochs after {@code epoch} (0-based), written before a crash, so a resume appends cleanly. A
         * file of a version without the training_master column gets it, "unrecorded" in its old rows. The file is
         * parsed as CSV (a quoted value may hold commas) and the rows kept are written back through the same printer
         * (unchanged bytes for the values this class writes); rows with an empty epoch, and empty lines, are dropped.
         */
        static void truncateAfter(Path file, int epoch) throws IOException {
            if (!Files.exists(file)) return;
            List<List<String>> kept = new ArrayList<>();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 CSVParser p = CSVParser.parse(in, CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).build())) {
                boolean addMaster = false;
                for (CSVRecord r : p) {
                    List<String> row = new ArrayList<>(r.toList());
                    if (kept.isEmpty()) {
                        addMaster = !row.get(row.size() - 1).equals("training_master");
                        if (addMaster) row.add("training_master");
                    } else {
                        String first = row.get(0);
                        if (first.isEmpty() || Integer.parseInt(first) > epoch + 1) continue;
                        if (addMaster) row.add("unrecorded");
                    }
                    kept.add(row);
                }
            } catch (UncheckedIOException e) {
                throw new InputException(file, null, "not a readable CSV table: " + e.getCause().getMessage(), e);
            } catch (NumberFormatException e) {
                throw new InputException(file, "column epoch", "not a whole number: " + e.getMessage(), e);
            }
            Files.writeString(file, records(kept));
        }

        /** Rows as {@link CsvTable#printer} writes them: RFC 4180 quoting where a value needs it, "\n" line ends. */
        private static String records(List<? extends List<String>> rows) {
            StringBuilder sb = new StringBuilder();
            try (CSVPrinter out = CsvTable.printer(sb)) {
                for (List<String> row : rows) out.printRecord(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return sb.toString();
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.6g", v);
        }
    }
}
