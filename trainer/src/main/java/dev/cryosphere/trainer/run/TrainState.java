package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint needs besides the weights and the optimiser state to resume exactly. All randomness of training
 * (shuffling, latent and GMM noise) is derived from (seed, epoch, batch), so the seed and the epoch are the whole RNG
 * state: a resumed run draws the same numbers as an uninterrupted one.
 * <p>
 * {@code state.json} says {@code "epochs_done": N} (1-based, as the logs, {@code metrics.csv}, the checkpoint folder
 * {@code epoch-NNNN} and {@code evaluate --epoch}); files written before that convention say {@code "epoch": N-1}
 * (0-based) and are still read.
 *
 * @param epoch       last completed epoch, 0-based (internal: the training loop's index); {@link #epochsDone()} = epoch + 1
 * @param epochs      planned number of epochs (the KL schedules depend on it)
 * @param seed        the run's seed
 * @param imagesSeen  images trained on so far
 * @param iterations  optimiser steps so far
 * @param wallSeconds training wall time so far
 */
public record TrainState(int epoch, int epochs, long seed, long imagesSeen, long iterations, double wallSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Epochs completed: the 1-based number of the checkpoint ({@code epoch-NNNN}). */
    public int epochsDone() { return epoch + 1; }

    public void write(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs_done", epochsDone());
        m.put("epochs", epochs);
        m.put("seed", seed);
        m.put("images_seen", imagesSeen);
        m.put("iterations", iterations);
        m.put("wall_seconds", wallSeconds);
        try {
            Files.writeString(file, JSON.writeValueAsString(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a checkpoint's state.json. A damaged one (truncated, not JSON, no epoch number) is an
     * {@link dev.cryosphere.core.util.InputException} naming it; a file the system cannot read is an I/O failure.
     */
    public static TrainState read(Path file) {
        String fix = "; delete its checkpoint folder " + file.getParent() + " to go back to the checkpoint before";
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new dev.cryosphere.core.util.InputException(file, null, "damaged, not JSON ("
                    + dev.cryosphere.core.util.IoFailure.reason(e) + ")" + fix, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonNode done = n == null ? null : n.get("epochs_done");
        JsonNode legacy = n == null ? null : n.get("epoch");   // before 1-based numbering
        int epoch;
        if (done != null && done.isInt() && done.asInt() >= 1) epoch = done.asInt() - 1;
        else if (done == null && legacy != null && legacy.isInt() && legacy.asInt() >= 0) epoch = legacy.asInt();
        else throw new dev.cryosphere.core.util.InputException(file, "key epochs_done", (done == null && legacy == null
                ? "missing" : "'" + (done != null ? done : legacy) + "' is not an epoch number") + fix);
        return new TrainState(epoch, n.path("epochs").asInt(), n.path("seed").asLong(), n.path("images_seen").asLong(),
                n.path("iterations").asLong(), n.path("wall_seconds").asDouble());
    }
}
