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

    public static TrainState read(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            int epoch;
            if (n != null && n.hasNonNull("epochs_done")) epoch = n.get("epochs_done").asInt() - 1;
            else if (n != null && n.hasNonNull("epoch")) epoch = n.get("epoch").asInt();   // before 1-based numbering
            else throw new IOException("no epochs_done");
            return new TrainState(epoch, n.path("epochs").asInt(), n.path("seed").asLong(), n.path("images_seen").asLong(),
                    n.path("iterations").asLong(), n.path("wall_seconds").asDouble());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
