package dev.cryosphere.trainer.spark;

import dev.cryosphere.core.dataset.DatasetRow;
import dev.cryosphere.core.dataset.DatasetWriter;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.model.TrainingClock;
import dev.cryosphere.trainer.run.RunConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.util.CollectionAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gradient sharing deals a part's batches to several tasks when the dataset has fewer parts than replicas: the slices
 * must together give exactly the batches of the whole part (same rows, same order, same noise), whatever the slicing.
 */
class PartBatchesTest {
    @TempDir
    Path dir;

    private static final int BOX = 32, ROWS = 103, BATCH = 8;

    @Test
    void slicesOfAPartTogetherAreExactlyItsBatches() throws Exception {
        Path part = dir.resolve("part-00000.parquet");
        Random rng = new Random(7);
        try (DatasetWriter w = DatasetWriter.open(new org.apache.hadoop.fs.Path(part.toUri()), new Configuration(), BOX)) {
            for (int i = 0; i < ROWS; i++) {
                float[] img = new float[BOX * BOX];
                for (int j = 0; j < img.length; j++) img[j] = (float) rng.nextGaussian();
                w.write(new DatasetRow(i, String.format("%06d@p.mrcs", i + 1), 1, img, BOX, 2.0,
                        new double[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, 0, 0, 0, 0, 0, CtfParams.of(15000, 14000, 10, 300, 2.7, 0.07)));
            }
        }
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "segments: 2\n");
        ModelConfig config = RunConfig.read(yaml).toModelConfig(BOX, 2.0, 3.0,
                AtomicModel.read(SharedData.structures("1ake.pdb")), ROWS, yaml);
        String uri = part.toUri().toString();

        List<MultiDataSet> whole = batches(config, new SparkEpochs.PartRef(0, uri, 0, 1, 0, 1));
        assertEquals(ROWS / BATCH, whole.size(), "the incomplete tail is dropped");
        for (int slices : new int[]{2, 3, 5}) {
            List<MultiDataSet> joined = new ArrayList<>();
            for (int s = 0; s < slices; s++) joined.addAll(batches(config, new SparkEpochs.PartRef(0, uri, s, slices, s, slices)));
            assertEquals(whole.size(), joined.size(), slices + " slices: batches");
            // the image and the latent noise (seeded by the batch's index in its part) and the target; the third
            // input also carries the loss weights at the batch's progress, which is its share of the epoch's slices
            for (int b = 0; b < whole.size(); b++) {
                for (int k = 0; k < 2; k++)
                    assertEquals(whole.get(b).getFeatures(k), joined.get(b).getFeatures(k),
                            slices + " slices: batch " + b + ", input " + k);
                assertEquals(whole.get(b).getLabels(0), joined.get(b).getLabels(0), slices + " slices: batch " + b + ", target");
            }
        }
    }

    private static List<MultiDataSet> batches(ModelConfig config, SparkEpochs.PartRef ref) {
        CollectionAccumulator<String> counts = new CollectionAccumulator<>();
        Iterator<MultiDataSet> it = new SparkEpochs.PartBatches(config.toJson(), 11, 3, BATCH, counts,
                new TrainingClock.Plan(1, 3, 10, -1)).call(ref);
        List<MultiDataSet> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        assertEquals(List.of("?=" + (long) out.size() * BATCH), counts.value(), "images counted for the executor");
        return out;
    }
}
