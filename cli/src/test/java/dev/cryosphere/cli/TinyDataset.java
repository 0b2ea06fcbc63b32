package dev.cryosphere.cli;

import dev.cryosphere.core.testing.SharedData;

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
}
