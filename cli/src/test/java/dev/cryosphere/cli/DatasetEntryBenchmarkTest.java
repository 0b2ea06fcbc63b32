package dev.cryosphere.cli;

import dev.cryosphere.core.format.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `cryosphere benchmark` with one set entered twice: the cached external set (benchmarks/external/cache/hinge-ci)
 * as {@code external: DIR}, and the same particles as a user's dataset ({@code particles:}, a truth table written here
 * from the set's ground_truth.csv, rows shuffled, its conformations/ as true structures). Same particles, base
 * structure and seeds give the same model, so every score that does not depend on how the true maps are made must be
 * the same: latent scores against the coordinate, neighbourhood similarity, CA-RMSD. The FSC columns differ by design
 * (the external set's maps are full-atom, the dataset's coarse-grained base gives Gaussian maps) and must be there.
 */
class DatasetEntryBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void aDatasetEntryScoresAsTheSameSetEnteredAsExternal() throws Exception {
        Path set = ExternalSetTest.SET;
        CsvTable g = CsvTable.read(set.resolve("ground_truth.csv"));
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < g.size(); r++)
            rows.add(g.text(r, "particle_index") + "," + g.text(r, "conformation") + "," + g.text(r, "hinge_angle_deg"));
        Collections.shuffle(rows, new Random(7));
        Files.writeString(tmp.resolve("truth.csv"), "particle_index,label,coordinate\n" + String.join("\n", rows) + "\n");
        Path spec = tmp.resolve("spec.yaml");
        Files.writeString(spec, """
                defaults:
                  epochs: 1
                  master: local[2]
                  train_master: jvm
                  truth_particles: 20
                  train: {segments: 4, latent_dim: 4, encoder_hidden: [32, 16], decoder_hidden: [16], batch_size: 64}
                  evaluate: {no_volumes: true, traversal_steps: 3, clusters: 20}
                entries:
                  - name: ext
                    external: "SET"
                  - name: mine
                    particles: "SET/particles.star"
                    structure: "SET/base.pdb"
                    truth: truth.csv
                    truth_structures: "SET/conformations/conformation_%03d.pdb"
                """.replace("SET", set.toString().replace("\\", "/")));
        Path out = tmp.resolve("B");
        Cli c = Cli.run("benchmark", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, c.exitCode(), c.err());
        CsvTable t = CsvTable.read(out.resolve("benchmark.csv"));
        assertEquals("ext", t.text(0, "name"));
        assertEquals("mine", t.text(1, "name"));
        for (int r = 0; r < 2; r++) assertEquals("ok", t.text(r, "status"));
        assertEquals("dataset labels(20) coordinate coordinate", t.text(1, "motion"));
        assertEquals("768", t.text(1, "n_particles"));
        assertEquals("32", t.text(1, "box"));
        assertEquals("", t.text(1, "snr"));
        assertEquals(0, Double.parseDouble(t.text(1, "simulate_s")));
        assertFalse(Files.exists(out.resolve("mine/sim")), "no simulation for a dataset entry");

        for (String col : List.of("latent_spearman", "latent_r2", "neighb_sim_1pct", "neighb_sim_10pct", "truth_particles",
                "rmsd_median_A", "base_rmsd_median_A", "cb_images", "final_loss")) {
            assertFalse(t.text(0, col).isEmpty(), col);
            assertEquals(t.text(0, col), t.text(1, col), col);
        }
        assertEquals("20", t.text(1, "truth_particles"));
        // labels: k-means accuracy for the dataset (the external hinge entry is scored by its angle only)
        double acc = Double.parseDouble(t.text(1, "kmeans_accuracy"));
        assertTrue(acc > 0 && acc <= 1, "accuracy " + acc);
        for (String col : List.of("res_0.143_median_A", "auc_mean", "cb_auc_mean", "cb_conf_auc_mean"))
            for (int r = 0; r < 2; r++) assertFalse(t.text(r, col).isEmpty(), col + " of " + t.text(r, "name"));
        // the dataset's true maps are Gaussian maps of its true structures, given to evaluate as for simulated entries
        assertTrue(Files.isRegularFile(out.resolve("mine/eval/fsc_per_particle.csv")));
    }
}
