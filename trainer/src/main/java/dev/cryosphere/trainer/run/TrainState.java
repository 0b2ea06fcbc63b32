package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a checkpoint needs besides the weights and the optimiser state to resume exactly. All randomness of training
 * (shuffling, latent and GMM noise) is derived from (seed, epoch, batch), so the seed and the epoch are the whole RNG
 * state: a resumed run draws the same numbers as an uninterrupted one.
 *
 * @param epoch       last completed epoch, 0-based
 * @param epochs      planned number of epochs (the KL schedules depend on it)
 * @param seed        the run's seed
 * @param imagesSeen  images trained on so far
 * @param iterations  optimiser steps so far
 * @param wallSeconds training wall time so far
 */
public record TrainState(@JsonProperty("epoch") int epoch, @JsonProperty("epochs") int epochs,
                         @JsonProperty("seed") long seed, @JsonProperty("images_seen") long imagesSeen,
                         @JsonProperty("iterations") long iterations, @JsonProperty("wall_seconds") double wallSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(Path file) {
        try {
            Files.writeString(file, JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TrainState read(Path file) {
        try {
            return JSON.readValue(file.toFile(), TrainState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
