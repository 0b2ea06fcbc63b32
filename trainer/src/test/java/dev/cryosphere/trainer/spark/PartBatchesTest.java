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
 * Gradient sharing deals a part's batches to several tasks when the dataset has fewer parts than replicas, and parameter
 * averaging deals an epoch's batches in rounds of a few per task: together they must be exactly the batches of the whole
 * part (same rows, same order, same noise, same progress), however they are cut.
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

        int n = ROWS / BATCH;
        SparkEpochs.PartRef part0 = new SparkEpochs.PartRef(0, uri, 0, n, 0, n);
        List<MultiDataSet> whole = batches(config, List.of(new SparkEpochs.Share(List.of(part0))));
        assertEquals(n, whole.size(), "the incomplete tail is dropped");
        for (int replicas : new int[]{2, 3, 5})
            assertSame(whole, batches(config, SparkEpochs.sharingTasks(List.of(part0), replicas)), "sharing, " + replicas + " replicas");
        for (int frequency : new int[]{1, 2, 5})
            for (int replicas : new int[]{1, 2, 3}) {
                List<SparkEpochs.Share> dealt = new ArrayList<>();
                for (List<SparkEpochs.Share> round : SparkEpochs.averagingRounds(List.of(part0), replicas, frequency)) {
                    assertTrue(round.size() <= replicas, "tasks per round");
                    dealt.addAll(round);
                }
                assertSame(whole, batches(config, dealt), "averaging, " + replicas + " replicas, every " + frequency);
            }
    }

    @Test
    void averagingRoundsDealEveryBatchOnceInOrderAcrossParts() {
        // three parts of 7, 0 and 4 batches, in the epoch's order; 3 replicas, averaging every 2 steps
        List<SparkEpochs.PartRef> order = List.of(new SparkEpochs.PartRef(2, "c", 0, 7, 0, 11),
                new SparkEpochs.PartRef(0, "a", 0, 4, 7, 11));
        List<List<SparkEpochs.Share>> rounds = SparkEpochs.averagingRounds(order, 3, 2);
        List<String> seen = new ArrayList<>();
        List<Integer> tasks = new ArrayList<>();
        for (List<SparkEpochs.Share> round : rounds) {
            tasks.add(round.size());
            for (SparkEpochs.Share t : round) {
                int batches = 0;
                for (SparkEpochs.PartRef r : t.ranges()) {
                    batches += r.to() - r.from();
                    for (int b = r.from(); b < r.to(); b++) {
                        seen.add(r.uri() + b);
                        assertEquals(seen.size() - 1, r.first() + b - r.from(), "index in the epoch of " + r.uri() + b);
                    }
                }
                assertTrue(batches <= 2, "batches per task");
            }
        }
        assertEquals(List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "a0", "a1", "a2", "a3"), seen);
        assertEquals(List.of(3, 3), tasks, "11 batches: 3 tasks of 2, then 2 of 2 and one of 1");
    }

    private static void assertSame(List<MultiDataSet> expected, List<MultiDataSet> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": batches");
        // the image and the latent noise (seeded by the batch's index in its part), the loss weights at the batch's
        // progress (its index in the epoch) and the target
        for (int b = 0; b < expected.size(); b++) {
            for (int k = 0; k < 3; k++)
                assertEquals(expected.get(b).getFeatures(k), actual.get(b).getFeatures(k), what + ": batch " + b + ", input " + k);
            assertEquals(expected.get(b).getLabels(0), actual.get(b).getLabels(0), what + ": batch " + b + ", target");
        }
    }

    private static List<MultiDataSet> batches(ModelConfig config, List<SparkEpochs.Share> tasks) {
        List<MultiDataSet> out = new ArrayList<>();
        long counted = 0;
        for (SparkEpochs.Share t : tasks) {
            CollectionAccumulator<String> counts = new CollectionAccumulator<>();
            Iterator<MultiDataSet> it = new SparkEpochs.PartBatches(config.toJson(), 11, 3, BATCH, counts,
                    new TrainingClock.Plan(1, 3, 10, -1)).call(t);
            int before = out.size();
            it.forEachRemaining(out::add);
            assertEquals(List.of("?=" + (long) (out.size() - before) * BATCH), counts.value(), "images counted for the executor");
        }
        return out;
    }
}
