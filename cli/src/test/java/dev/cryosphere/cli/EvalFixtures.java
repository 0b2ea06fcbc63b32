package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.Checkpoints;
import dev.cryosphere.trainer.run.RunLayout;
import dev.cryosphere.trainer.run.TrainState;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Inputs for the evaluate tests: a simulated, ingested dataset of 1ZTU (box 32, 3 Å) and a run folder whose model is
 * randomly initialised (the trainer's loop is not needed to exercise the whole evaluation pipeline), plus a truth map
 * and labels.
 */
final class EvalFixtures {
    static final int BOX = 32;
    static final double APIX = 3.0;

    final Path sim, data, run, maps, labels;

    private EvalFixtures(Path sim, Path data, Path run, Path maps, Path labels) {
        this.sim = sim;
        this.data = data;
        this.run = run;
        this.maps = maps;
        this.labels = labels;
    }

    static EvalFixtures create(Path dir, int particles) throws IOException {
        Path sim = dir.resolve("sim"), data = dir.resolve("ds"), run = dir.resolve("run"), maps = dir.resolve("maps");
        Cli c = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center", "-n",
                String.valueOf(particles), "--box", String.valueOf(BOX), "--apix", String.valueOf(APIX), "--snr", "0.5",
                "--seed", "7", "--out", sim.toString());
        assertEquals(0, c.exitCode(), c.err());
        c = Cli.run("ingest", "--particles", sim.resolve("particles.star").toString(), "--out", data.toString(), "--master", "local[2]");
        assertEquals(0, c.exitCode(), c.err());
        double fStd = DatasetReader.open(data).info().normalization().fStd();
        runFolder(run, sim.resolve("base.pdb"), fStd, true);
        Files.createDirectories(maps);
        c = Cli.run("volume", "--structure", sim.resolve("base.pdb").toString(), "--box", String.valueOf(BOX), "--apix",
                String.valueOf(APIX), "--out", maps.resolve("base.mrc").toString());
        assertEquals(0, c.exitCode(), c.err());
        Files.copy(maps.resolve("base.mrc"), maps.resolve("copy.mrc"));
        // two map files, alternating, so that the executors' map cache sees more than one entry
        StringBuilder sb = new StringBuilder("particle_index,map\n");
        for (int i = 0; i < particles; i++) sb.append(i).append(',').append(i % 2 == 0 ? "base.mrc" : "copy.mrc").append('\n');
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, sb.toString());
        return new EvalFixtures(sim, data, run, maps, labels);
    }

    /** A run folder with a random-init model (latent 4, hidden [32,16]/[16], K = 4); {@code checkpoint} false: none. */
    static void runFolder(Path run, Path structure, double fStd, boolean checkpoint) throws IOException {
        AtomicModel base = AtomicModel.read(structure);
        ModelConfig config = ModelConfig.defaults(BOX, APIX, base.size(), 4)
                .withNetworks(4, List.of(32, 16), List.of(16))
                .withImage(BOX, APIX, 2.0, fStd);
        RunLayout layout = new RunLayout(run);
        Files.createDirectories(run);
        Files.writeString(layout.configJson(), config.toJson());
        Checkpoints.copyBaseStructure(layout, structure);
        // the trainer's columns (docs/formats.md): weighted terms, their weights (KL annealed in), rates, segment sizes
        Files.writeString(layout.metrics(), """
                epoch,loss,correlation,kl_latent,kl_means,kl_stds,kl_proportions,continuity,clash,beta_kl_latent,beta_kl_means,beta_kl_stds,beta_kl_proportions,beta_continuity,beta_clash,lr_networks,lr_segmentation,segment_0_residues,segment_1_residues,segment_2_residues,segment_3_residues,images_per_s,wall_s
                1,-0.412,-0.431,0,0,0,0,0.0161,0.00291,0,0,0,0,1,1,0.0003,0.03,60,60,60,34,41.2,12.5
                2,-0.583,-0.597,0.00031,0,0,0,0.0121,0.00172,0.0005,0,0,0,1,1,0.0003,0.03,58,61,62,33,43.0,24.1
                3,-0.641,-0.652,0.00058,0,0,0,0.0094,0.00115,0.001,0,0,0,1,1,0.0003,0.03,57,62,62,33,42.7,35.9
                """);
        if (!checkpoint) return;
        ComputationGraph graph = CryoSphereGraph.create(CryoSphereGraph.configuration(config, BaseStructure.of(base)));
        Checkpoints.save(layout, graph, new TrainState(0, 1, 0, 0, 0, 0));
    }
}
