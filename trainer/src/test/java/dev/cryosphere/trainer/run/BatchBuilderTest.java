package dev.cryosphere.trainer.run;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.physics.ImageFilters;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.trainer.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The optional input mask (encoder input and target) and low-pass (target only), end to end from run.yaml. */
class BatchBuilderTest {
    @TempDir
    Path dir;

    private static final int BOX = 32;
    private static final double APIX = 2.0, F_STD = 3.0;

    private ModelConfig config(String yaml) throws Exception {
        Path f = dir.resolve("run.yaml");
        Files.writeString(f, yaml);
        return RunConfig.read(f).toModelConfig(BOX, APIX, F_STD, AtomicModel.read(SharedData.structures("1ake.pdb")), 1000, f);
    }

    private static List<BatchBuilder.Row> rows(int n, Random rng) {
        BatchBuilder.Row[] r = new BatchBuilder.Row[n];
        for (int i = 0; i < n; i++) {
            float[] img = new float[BOX * BOX];
            for (int j = 0; j < img.length; j++) img[j] = (float) rng.nextGaussian();
            r[i] = new BatchBuilder.Row(i, img, new double[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, 0, 0,
                    CtfParams.of(15000, 14000, 10, 300, 2.7, 0.07));
        }
        return List.of(r);
    }

    private static float[] row(org.nd4j.linalg.api.ndarray.INDArray a, int i) {
        return a.getRow(i).toFloatVector();
    }

    @Test
    void withoutFiltersTheTargetIsTheEncoderInputScaledByNOverFStd() throws Exception {
        ModelConfig c = config("segments: 4\n");
        List<BatchBuilder.Row> rows = rows(3, new Random(1));
        MultiDataSet b = new BatchBuilder(c).build(rows, 0, 0, 0, new double[6], c.tau());
        for (int i = 0; i < 3; i++) {
            float[] in = row(b.getFeatures(0), i), target = row(b.getLabels(0), i), raw = rows.get(i).image();
            assertArrayEquals(in, target);
            assertEquals(raw[17] * BOX / F_STD, in[17], 1e-5);
        }
    }

    @Test
    void maskZeroesOutsideTheCircleInBothAndLowPassFiltersOnlyTheTarget() throws Exception {
        ModelConfig c = config("segments: 4\ninput_mask_radius: 0.75\nlow_pass: 10\n");
        List<BatchBuilder.Row> rows = rows(2, new Random(2));
        MultiDataSet b = new BatchBuilder(c).build(rows, 0, 0, 0, new double[6], c.tau());
        float[] mask = ImageFilters.circularMask(BOX, 0.75);
        for (int i = 0; i < 2; i++) {
            float[] in = row(b.getFeatures(0), i), target = row(b.getLabels(0), i), raw = rows.get(i).image();
            for (int p = 0; p < in.length; p++)
                assertEquals(mask[p] * raw[p] * BOX / F_STD, in[p], 1e-4, "encoder input pixel " + p);
            float[] expected = ImageFilters.lowPass(in, BOX, APIX, 10);
            for (int p = 0; p < in.length; p++) assertEquals(expected[p], target[p], 1e-4, "target pixel " + p);
            // white noise keeps about the fraction of the spectrum inside |k| < 1/10 Å: π(6.4)²/32² ≈ 0.13 of the power
            double pin = 0, pt = 0;
            for (int p = 0; p < in.length; p++) { pin += in[p] * in[p]; pt += target[p] * target[p]; }
            assertEquals(0.126, pt / pin, 0.05);
        }
        // evaluation sees what training saw
        assertArrayEquals(row(b.getFeatures(0), 0), BatchBuilder.encoderInput(rows.get(0).image(), c), 1e-6f);
    }

    @Test
    void nonPositiveFilterSettingsAreNamed() {
        for (String bad : new String[]{"low_pass: 0\n", "input_mask_radius: -1\n"}) {
            Exception e = assertThrows(dev.cryosphere.core.util.InputException.class, () -> config(bad));
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf(':'))), e.getMessage());
        }
    }
}
