package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.BoxFrame;
import dev.cryosphere.core.util.RemoteFolder;
import dev.cryosphere.trainer.run.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Train the cryoSPHERE model on an ingested dataset (one JVM, or data-parallel on Spark with --master).",
        description = {
                "Writes RUN/config.json, RUN/run.json, a copy of the base structure, RUN/metrics.csv (one row per epoch: "
                        + "loss and each term, loss weights, learning rates, residues per segment, images/s, wall time) "
                        + "and RUN/checkpoints/epoch-NNNN/ (after N epochs, from 1; weights, optimiser state; written atomically).",
                "A new run is built in the hidden .RUN.tmp-* beside RUN and appears as RUN with its first checkpoint: a run "
                        + "that fails before leaves nothing. --overwrite keeps the old RUN unchanged until the new run "
                        + "has finished (an interrupted replacement is continued by --resume). A second train of the same "
                        + "RUN is refused (lock .RUN.lock, exit code 3).",
                "--resume continues from the newest complete checkpoint and gives the same parameters as an "
                        + "uninterrupted run. A non-finite loss stops the run with the epoch, batch and term; the newest "
                        + "checkpoint stays the last good state (exit code 3).",
                "Settings come from --config (YAML, every key optional; `preset: default` (K = 8, segments learned from "
                        + "the data, 80000 images) or `preset: reference` (the published cryoSPHERE settings); see "
                        + "docs/user-guide.md), then --epochs and --seed.",
                "--master local[N]|spark://host:port|yarn|k8s://... trains data-parallel on Spark (DL4J parameter "
                        + "averaging by default; knobs under `spark:` in the YAML): executors read their own Parquet parts; the "
                        + "run folder is the same as in single-JVM mode. Under spark-submit use the main class "
                        + "dev.cryosphere.cli.TrainMain (same options; the master comes from spark-submit).",
                "", "Example: cryosphere train --data ds --structure base.pdb --out run --config run.yaml"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DATASET", description = "Dataset folder written by `cryosphere ingest`.")
    Path data;

    @Option(names = "--structure", paramLabel = "PDB|CIF", description = "Base structure, in the box frame (box centre at 0,0,0 Å): a "
            + "residue outside the dataset's box is an error. Required for a new run.")
    Path structure;

    @Option(names = "--map", paramLabel = "MRC", description = "Consensus map the structure was fitted into: its origin, "
            + "box and voxel size define the structure's frame (its centre voxel is the particles' box centre); the "
            + "structure is moved into the box frame, and evaluate writes structures and maps back in the map's frame "
            + "(the offset is kept in run.json).")
    Path map;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder: a path, or a Hadoop URI "
            + "(hdfs://namenode:8020/runs/r1, s3a://bucket/runs/r1, file:///...): trained on a local copy that is uploaded "
            + "after every epoch, each checkpoint written beside and renamed (docs/cluster.md).")
    String out;

    @Option(names = "--config", paramLabel = "YAML", description = "Training configuration (keys in docs/user-guide.md).")
    Path config;

    @Option(names = "--epochs", paramLabel = "N", description = "Number of epochs (default: the configuration's `epochs`, by default 80000 images rounded up to whole epochs).")
    Integer epochs;

    @Option(names = "--seed", description = "Random seed (default: the configuration's, 0).")
    Long seed;

    @Option(names = "--resume", description = "Continue RUN (or its unfinished replacement) from the newest complete "
            + "checkpoint; --config, --structure and --seed, if given, must match the run's.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace RUN if it exists (only once the new run has finished all its epochs).")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: train data-parallel on Spark "
            + "(local[N], spark://host:port, yarn, k8s://...). Absent: one JVM.")
    String master;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String cmd = "cryosphere " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        if (structure != null && !resume && (epochs == null || epochs >= 1)) checkStructureInBox();
        if (RemoteFolder.isRemote(out)) return trainRemote(cmd);
        Path run = RemoteFolder.localPath(out);
        // RUN, its lock and its temporary sibling are created beside it: say so now if that cannot be
        dev.cryosphere.core.util.AtomicOutput.requireWritableLocation(run);
        Trainer.Result r = train(run, cmd, e -> {});
        System.out.printf(Locale.ROOT, "train: %d epoch(s) done, last loss %.5f, %.1f images/s -> %s%n",
                r.epochsDone(), r.lastLoss(), r.imagesPerSecond(), r.run());
        return 0;
    }

    /**
     * RUN on a Hadoop file system: trained in a local copy, mirrored onto the store after every epoch and at the end
     * ({@link RemoteRun}). A failure uploads nothing more: what is there is what the epochs before it uploaded, as after
     * a JVM that died.
     */
    private int trainRemote(String cmd) {
        try (RemoteRun remote = RemoteRun.stage(out, resume, overwrite)) {
            // the trainer's own lines name the local copy: say once which URI it stands for
            System.err.println("train: training in the local copy " + remote.local() + ", uploaded to " + out + " after every epoch");
            Trainer.Result r = train(remote.local(), cmd, e -> remote.sync());
            remote.sync();
            System.out.printf(Locale.ROOT, "train: %d epoch(s) done, last loss %.5f, %.1f images/s -> %s%n",
                    r.epochsDone(), r.lastLoss(), r.imagesPerSecond(), remote.uri());
            return 0;
        }
    }

    private Trainer.Result train(Path run, String cmd, Trainer.EpochListener onEpoch) {
        AutoCloseable[] log = {null};
        try {
            // the libraries' log lines (INFO and up) go to RUN/logs/train.log once the run folder exists
            return Trainer.run(new Trainer.Options(data, structure, run, config, epochs, seed, resume, overwrite, cmd, master, map),
                    folder -> log[0] = Logs.toFile(folder.resolve("logs").resolve("train.log")), onEpoch);
        } finally {
            close(log[0]);
        }
    }

    /** Closes the log redirection; a failure to close it is not a checked exception of the command. */
    private static void close(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A base structure partly outside the particles' box would be clipped from every image: refuse it up front. */
    private void checkStructureInBox() {
        DatasetInfo info = DatasetReader.open(data.toAbsolutePath().toString()).info();
        if (info.pixelSize() == null || !info.hasPoses()) return;   // mixed pixel sizes, no poses: the trainer says what to do
        AtomicModel model = AtomicModel.read(structure);
        if (map != null) model = dev.cryosphere.core.format.MapFrame.read(map).toBox(model);
        BoxFrame.requireInside(structure, model, info.box(), info.pixelSize(), "the dataset " + data
                + (map != null ? ", after moving it from the frame of " + map : ""));
    }
}
