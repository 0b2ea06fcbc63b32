package dev.cryosphere.trainer.run;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.IoFailure;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes and reads checkpoints in the {@link RunLayout}; a checkpoint folder appears complete or not at all. */
public final class Checkpoints {
    private Checkpoints() {}

    /** Saves the checkpoint after {@code state.epochsDone()} epochs ({@code epoch-NNNN}, 1-based). */
    public static void save(RunLayout run, ComputationGraph graph, TrainState state) {
        try {
            Files.createDirectories(run.checkpoints());
            try (AtomicOutput o = AtomicOutput.directory(run.checkpoint(state.epochsDone()), true)) {
                ModelSerializer.writeModel(graph, o.path().resolve("model.zip").toFile(), true);
                state.write(o.path().resolve("state.json"));
                o.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + run.checkpoint(state.epochsDone()), e);
        }
    }

    /** The graph with its updater state, as saved after {@code epoch} epochs (1-based). */
    public static ComputationGraph loadGraph(RunLayout run, int epoch) {
        return loadGraph(run.checkpoint(epoch).resolve("model.zip"), true);
    }

    /**
     * The graph in a checkpoint's model.zip; a truncated or damaged file is an {@link InputException} naming it (with
     * what to do), not DL4J's stack trace.
     */
    public static ComputationGraph loadGraph(Path zip, boolean withUpdater) {
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), withUpdater);
        } catch (IOException | RuntimeException e) {
            throw new InputException(zip, null, "damaged checkpoint, cannot be read (" + IoFailure.reason(e) + "); "
                    + "delete its folder " + zip.getParent() + " to go back to the checkpoint before", e);
        }
    }

    public static TrainState loadState(RunLayout run, int epoch) {
        return TrainState.read(run.checkpoint(epoch).resolve("state.json"));
    }

    /** Copies the base structure file into the run folder (keeps its format: amplitudes need all atoms). */
    public static Path copyBaseStructure(RunLayout run, Path structure) throws IOException {
        String name = structure.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String ext = name.endsWith(".cif.gz") || name.endsWith(".mmcif.gz") ? "cif.gz"
                : name.endsWith(".gz") ? "pdb.gz" : name.endsWith(".cif") || name.endsWith(".mmcif") ? "cif" : "pdb";
        Path target = run.root().resolve("base_structure." + ext);
        Files.copy(structure, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
