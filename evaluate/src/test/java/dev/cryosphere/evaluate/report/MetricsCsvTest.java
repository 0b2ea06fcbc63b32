package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MetricsCsvTest {
    @TempDir
    Path dir;

    @Test
    void everyLossTermWithItsRecordedWeightAndNothingElse() throws Exception {
        // the trainer's columns (docs/formats.md): terms, their betas, rates, segment sizes, throughput
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, """
                epoch,loss,correlation,kl_latent,kl_means,kl_stds,kl_proportions,continuity,clash,beta_kl_latent,beta_kl_means,beta_kl_stds,beta_kl_proportions,beta_continuity,beta_clash,lr_networks,lr_segmentation,segment_0_residues,segment_1_residues,images_per_s,wall_s,training_master
                1,-0.5,-0.52,0.001,0,0,0,0.02,0.001,0,0,0,0,1,1,0.0003,0.03,100,114,50.0,10.0,jvm
                2,-0.6,-0.62,0.004,0,0,0,0.015,0.0005,0.001,0,0,0,1,1,0.0003,0.03,98,116,51.0,20.0,jvm
                """);
        List<MetricsCsv.LossTerm> t = MetricsCsv.terms(f);
        assertEquals(List.of("loss", "correlation", "kl_latent", "kl_means", "kl_stds", "kl_proportions", "continuity", "clash"),
                t.stream().map(MetricsCsv.LossTerm::name).toList());
        MetricsCsv.LossTerm kl = t.get(2);
        assertArrayEquals(new double[]{1, 2}, kl.epoch());
        assertArrayEquals(new double[]{0.001, 0.004}, kl.value());
        assertEquals("β 0 → 0.001", kl.weightLabel());
        assertEquals("β 1", t.get(6).weightLabel());
        assertEquals("", t.get(0).weightLabel(), "the total loss has no weight");
        assertTrue(t.get(3).alwaysZero());
        assertFalse(kl.alwaysZero());
        assertEquals(0.004, kl.last());
    }

    @Test
    void olderRunsWithOtherColumnsAndMissingFilesAreRead() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "loss,rmse\n1.0,0.5\n0.8,0.4\n");
        List<MetricsCsv.LossTerm> t = MetricsCsv.terms(f);
        assertEquals(2, t.size());
        assertArrayEquals(new double[]{0, 1}, t.get(0).epoch(), "row number without an epoch column");
        assertEquals(List.of(), MetricsCsv.terms(dir.resolve("none.csv")));
    }

    @Test
    void theTrainingMastersStretchesAreNamedWithTheirEpochs() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "epoch,loss,wall_s,training_master\n1,-0.5,1,gradient-sharing\n2,-0.6,2,gradient-sharing\n"
                + "3,-0.6,3,gradient-sharing\n4,-0.7,4,parameter-averaging\n5,-0.7,5,parameter-averaging\n");
        assertEquals(List.of("epochs 1–3: gradient sharing", "epochs 4–5: parameter averaging"), MetricsCsv.masterStretches(f));
        Files.writeString(f, "epoch,loss,training_master\n1,-0.5,jvm\n");
        assertEquals(List.of("epoch 1: jvm"), MetricsCsv.masterStretches(f));
        Files.writeString(f, "epoch,loss\n1,-0.5\n");
        assertEquals(List.of(), MetricsCsv.masterStretches(f), "older runs have no column");
    }

    @Test
    void weightsPrintShort() {
        assertEquals("0.001", MetricsCsv.number(0.001));
        assertEquals("1", MetricsCsv.number(1));
        assertEquals("0", MetricsCsv.number(0));
        assertEquals("1e-05", MetricsCsv.number(1e-5));
        assertEquals("0.025", MetricsCsv.number(0.025));
    }
}
