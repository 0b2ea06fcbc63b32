package dev.cryosphere.trainer.run;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.trainer.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * metrics.csv through CSVPrinter ({@link Trainer.Metrics}): for ordinary values the bytes the hand-written version
 * wrote (the expected text below is its output, written literally), and a value with a comma or a quote is quoted and
 * reads back whole through {@link CsvTable}; truncateAfter parses the file as CSV.
 */
class MetricsTest {
    @TempDir
    Path dir;

    static final String HEADER = "epoch,loss,correlation,kl_latent,kl_means,kl_stds,kl_proportions,continuity,clash,"
            + "beta_kl_latent,beta_kl_means,beta_kl_stds,beta_kl_proportions,beta_continuity,beta_clash,lr_networks,"
            + "lr_segmentation,segment_0_residues,segment_1_residues,images_per_s,wall_s,training_master\n";

    static final ModelConfig CONFIG = ModelConfig.defaults(32, 4.0, 20, 2);

    private static final double[] TERMS = {0.987654321, 1e-7, 0.5, 2, -3.25, 0, 123456789};
    private static final double[] BETAS = {1, 1, 0.5, 0.25, Double.NaN, 1e-3};

    private Path write(String master, int epochs) throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, Trainer.Metrics.header(CONFIG));
        for (int e = 0; e < epochs; e++)
            Trainer.Metrics.append(f, e, -1234.5678, TERMS, BETAS, CONFIG, new int[]{7, 13}, 123.456, 7.891, master);
        return f;
    }

    private static String row(int epoch, String master) {
        return epoch + ",-1234.57,0.987654,1.00000e-07,0.500000,2.00000,-3.25000,0.00000,1.23457e+08,1.00000,1.00000,"
                + "0.500000,0.250000,NaN,0.00100000,3.00000e-05,0.000300000,7,13,123.46,7.89," + master + "\n";
    }

    @Test
    void ordinaryValuesAreWrittenAsTheHandWrittenFormatDid() throws Exception {
        assertEquals(HEADER, Trainer.Metrics.header(CONFIG));
        Path f = write("jvm", 2);
        assertEquals(HEADER + row(1, "jvm") + row(2, "jvm"), Files.readString(f));
        Files.writeString(f, Trainer.Metrics.header(CONFIG));
        Trainer.Metrics.append(f, 0, -1234.5678, TERMS, BETAS, CONFIG, new int[]{7, 13}, 123.456, 7.891, "gradient-sharing");
        assertEquals(HEADER + row(1, "gradient-sharing"), Files.readString(f));
    }

    @Test
    void aMasterNameWithACommaOrQuoteIsQuotedAndReadsBackWhole() throws Exception {
        String master = "parameter-averaging, \"retried\"";
        Path f = write(master, 1);
        assertEquals(HEADER + row(1, "\"parameter-averaging, \"\"retried\"\"\""), Files.readString(f));
        CsvTable t = CsvTable.read(f);
        assertEquals(1, t.size());
        assertEquals(22, t.header().size());
        assertEquals(master, t.text(0, "training_master"));
        assertEquals(7.89, t.number(0, "wall_s"));
        // truncateAfter keeps the quoted value intact (parsed as CSV, printed back the same way)
        Trainer.Metrics.truncateAfter(f, 0);
        assertEquals(HEADER + row(1, "\"parameter-averaging, \"\"retried\"\"\""), Files.readString(f));
    }

    @Test
    void truncateAfterDropsLaterEpochsAndKeepsTheRestByteForByte() throws Exception {
        Path f = write("jvm", 4);
        Trainer.Metrics.truncateAfter(f, 1);   // 0-based epoch 1: rows of epochs 1 and 2 stay
        assertEquals(HEADER + row(1, "jvm") + row(2, "jvm"), Files.readString(f));
        Trainer.Metrics.truncateAfter(f, 5);
        assertEquals(HEADER + row(1, "jvm") + row(2, "jvm"), Files.readString(f));
        Trainer.Metrics.truncateAfter(dir.resolve("absent.csv"), 0);   // no file: nothing to do
    }

    @Test
    void truncateAfterAddsTheMasterColumnToAnOldFileAndDropsEmptyLines() throws Exception {
        Path f = dir.resolve("old.csv");
        Files.writeString(f, "epoch,loss,wall_s\n1,-0.500000,1.00\n\n2,-0.600000,2.00\n3,-0.700000,3.00\n");
        Trainer.Metrics.truncateAfter(f, 1);
        assertEquals("epoch,loss,wall_s,training_master\n1,-0.500000,1.00,unrecorded\n2,-0.600000,2.00,unrecorded\n",
                Files.readString(f));
    }
}
