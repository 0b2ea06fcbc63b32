package dev.cryosphere.cli;

import dev.cryosphere.core.testing.SharedData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A small simulated 1ZTU set, ingested into parts of about 1 MiB, for the training tests. */
record TinyDataset(Path data, Path structure) {
    static TinyDataset make(Path dir, int particles, int box, double apix) {
        Path sim = dir.resolve("sim");
        assertEquals(0, Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center",
                "-n", String.valueOf(particles), "--box", String.valueOf(box), "--apix", String.valueOf(apix),
                "--seed", "1", "--out", sim.toString()).exitCode());
        Path data = dir.resolve("ds");
        assertEquals(0, Cli.run("ingest", "--particles", sim.resolve("particles.star").toString(), "--out", data.toString(),
                "--master", "local[2]", "--shard-mb", "1").exitCode());
        return new TinyDataset(data, sim.resolve("base.pdb"));
    }

    /** The tiny networks the training tests use (seconds per epoch), for this many epochs, then the extra YAML lines. */
    static Path writeConfig(Path file, int epochs, String extra) throws IOException {
        return Files.writeString(file, String.join("\n", "segments: 3", "latent_dim: 3", "encoder_hidden: [16, 8]",
                "decoder_hidden: [8]", "batch_size: 16", "epochs: " + epochs, "lr_networks: 1.0e-3",
                "lr_segmentation: 1.0e-3", extra));
    }
}
