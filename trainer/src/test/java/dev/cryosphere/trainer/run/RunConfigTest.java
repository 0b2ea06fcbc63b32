package dev.cryosphere.trainer.run;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** run.yaml's segmentation start values and prior: broadcast, per-segment lists, defaults, errors naming the key. */
class RunConfigTest {
    @TempDir
    Path dir;

    static AtomicModel chainA; // two chains of 1AKE, one part

    @BeforeAll
    static void structure() {
        chainA = AtomicModel.read(SharedData.structures("1ake.pdb"));
    }

    private ModelConfig config(String yaml) throws Exception {
        Path f = dir.resolve("run.yaml");
        Files.writeString(f, yaml);
        return RunConfig.read(f).toModelConfig(32, 4.0, 1.0, chainA, 1000, f);
    }

    private InputException error(String yaml) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml);
        return assertThrows(InputException.class, () -> RunConfig.read(f).toModelConfig(32, 4.0, 1.0, chainA, 1000, f));
    }

    @Test
    void withoutTheKeysTheReferencePresetsStartAndPriorAreItsUniformValues() throws Exception {
        ModelConfig c = config("preset: reference\n");
        ModelConfig.GmmValues u = c.startValues();
        int n = chainA.size();
        assertEquals(n / 4.0 / 2, u.meansMeans()[0], 1e-12);
        assertEquals(n / 4.0 * 3.5, u.meansMeans()[3], 1e-12);
        assertArrayEquals(new double[]{10, 10, 10, 10}, u.meansStds());
        assertArrayEquals(new double[]{1, 1, 1, 1}, u.proportionsStds());
        assertEquals(u, c.priorValues());
    }

    @Test
    void oneNumberIsBroadcastAndAListIsTakenPerSegment() throws Exception {
        ModelConfig c = config("""
                segments: 4
                segmentation_start: {means_stds: 0.01, means_means: [10, 60, 140, 190]}
                segmentation_prior:
                  stds_stds: [5, 6, 7, 8]
                """);
        ModelConfig.GmmValues s = c.startValues(), p = c.priorValues(), u = ModelConfig.GmmValues.uniform(c.parts());
        assertArrayEquals(new double[]{0.01, 0.01, 0.01, 0.01}, s.meansStds());
        assertArrayEquals(new double[]{10, 60, 140, 190}, s.meansMeans());
        assertArrayEquals(u.stdsMeans(), s.stdsMeans());
        assertArrayEquals(new double[]{5, 6, 7, 8}, p.stdsStds());
        assertArrayEquals(u.meansMeans(), p.meansMeans());

        // the graph starts from them
        var graph = CryoSphereGraph.create(CryoSphereGraph.configuration(c, BaseStructure.of(chainA)));
        ModelConfig.GmmValues inGraph = TrainedModel.gmmOf(graph);
        assertArrayEquals(s.meansMeans(), inGraph.meansMeans(), 1e-5);
        assertArrayEquals(s.meansStds(), inGraph.meansStds(), 1e-7);
    }

    @Test
    void segmentUnitsChangeTheOptimiserNotTheModel() throws Exception {
        String yaml = "segments: 4\nsegmentation_start: {means_stds: 0.5, means_means: [10, 60, 140, 190]}\n";
        ModelConfig inResidues = config(yaml + "segmentation_units: residues\n"), inSegments = config(yaml + "segmentation_units: segments\n");
        int n = chainA.size();
        assertArrayEquals(new double[]{n / 4.0, n / 4.0, n / 4.0, n / 4.0}, inSegments.gmmScales(), 1e-12);
        assertArrayEquals(new double[]{1, 1, 1, 1}, inResidues.gmmScales(), 0);
        var a = CryoSphereGraph.create(CryoSphereGraph.configuration(inResidues, BaseStructure.of(chainA)));
        var b = CryoSphereGraph.create(CryoSphereGraph.configuration(inSegments, BaseStructure.of(chainA)));
        // the optimiser holds the means in segment units (residues / (n/4)) ...
        double[] held = b.getParam(CryoSphereGraph.LOSS + "_meansMeans").toDoubleVector();
        assertArrayEquals(new double[]{10 / (n / 4.0), 60 / (n / 4.0), 140 / (n / 4.0), 190 / (n / 4.0)}, held, 1e-6);
        // ... and every reader sees residues, the same GMM as in residue units
        assertArrayEquals(TrainedModel.gmmOf(a).meansMeans(), TrainedModel.gmmOf(b).meansMeans(), 1e-4);
        assertArrayEquals(TrainedModel.gmmOf(a).stdsMeans(), TrainedModel.gmmOf(b).stdsMeans(), 1e-4);
        assertArrayEquals(TrainedModel.gmmOf(a).meansStds(), TrainedModel.gmmOf(b).meansStds(), 1e-6);
        assertThrows(InputException.class, () -> config("segmentation_units: angstrom\n"));
    }

    @Test
    void segmentationPosteriorIsReadAndKeptByTheGraphConfiguration() throws Exception {
        assertFalse(config("{}\n").normalisedPosterior());
        assertFalse(config("preset: reference\n").normalisedPosterior());
        ModelConfig c = config("segmentation_posterior: normalised\n");
        assertTrue(c.normalisedPosterior());
        // a checkpoint restores the graph from its JSON: the layer must come back with the flag
        var conf = CryoSphereGraph.configuration(c, BaseStructure.of(chainA));
        var back = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        var layer = (dev.cryosphere.trainer.model.CryoSphereLossLayer)
                ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get(CryoSphereGraph.LOSS)).getLayerConf().getLayer();
        assertTrue(layer.isNormalisedPosterior());
        assertThrows(InputException.class, () -> config("segmentation_posterior: gmm\n"));
    }

    @Test
    void tauAnnealingNeedsBothKeys() throws Exception {
        ModelConfig c = config("tau_start: 0.5\ntau_epochs: 10\n");
        assertTrue(c.annealsTau());
        assertEquals(0.5, c.tauAt(0), 1e-15);
        assertEquals(0.05, c.tauAt(10), 0);
        assertFalse(config("tau: 0.1\n").annealsTau());
        InputException e = assertThrows(InputException.class, () -> config("tau_epochs: 10\n"));
        assertTrue(e.getMessage().contains("tau_start"), e.getMessage());
        e = assertThrows(InputException.class, () -> config("tau_start: 0.5\n"));
        assertTrue(e.getMessage().contains("tau_epochs"), e.getMessage());
        assertThrows(InputException.class, () -> config("tau_start: 0\ntau_epochs: 3\n"));
    }

    @Test
    void schedulerDecaysTheChosenRatesAfterEachMilestone() throws Exception {
        ModelConfig c = config("lr_networks: 1.0e-3\nlr_segmentation: 1.0e-2\n"
                + "scheduler: {milestones: [15, 25], decay: 0.1, groups: [segmentation]}\n");
        assertEquals(1e-2, c.lrSegmentation(14), 1e-15);
        assertEquals(1e-3, c.lrSegmentation(15), 1e-15);
        assertEquals(1e-4, c.lrSegmentation(25), 1e-15);
        assertEquals(1e-3, c.lrNetworks(30), 1e-15);
        // DL4J's schedule gives the same numbers between and at the milestones
        var dl4j = c.lrSchedule().of(1e-2);
        for (int e : new int[]{0, 14, 15, 20, 24, 25, 39}) assertEquals(c.lrSegmentation(e), dl4j.valueAt(0, e), 1e-15, "epoch " + e);
        ModelConfig both = config("scheduler: {milestones: [2], decay: 0.5}\n");
        assertEquals(both.lrNetworks() / 2, both.lrNetworks(2), 1e-18);
        assertEquals(both.lrSegmentation() / 2, both.lrSegmentation(3), 1e-18);
        for (String bad : new String[]{"scheduler: {milestones: [5], decay: 0}\n", "scheduler: {milestones: [0], decay: 0.1}\n",
                "scheduler: {decay: 0.1}\n", "scheduler: {milestones: [5], decay: 0.1, groups: [encoder]}\n"}) {
            InputException e = error(bad);
            assertTrue(e.getMessage().contains("scheduler"), bad + " -> " + e.getMessage());
        }
    }

    @Test
    void aWarmUpRampsTheChosenRateFromZeroThenTheMilestonesDecayIt() throws Exception {
        // 2,000 images, batch 20: warm-up 4,000 images = 2 epochs; milestone 10,000 images = epoch 5
        ModelConfig c = config("lr_networks: 1.0e-3\nlr_segmentation: 1.0e-2\nbatch_size: 20\nscheduler: {milestones: "
                + "[10000 images], decay: 0.1, groups: [segmentation], warmup: 4000 images}\n", 2000);
        assertEquals(2.0, c.lrSchedule().warmup(), 1e-12);
        assertEquals(0.0, c.lrSegmentation(0), 1e-15);
        assertEquals(2.5e-3, c.lrSegmentation(0.5), 1e-15);
        assertEquals(5e-3, c.lrSegmentation(1), 1e-15);
        assertEquals(1e-2, c.lrSegmentation(2), 1e-15);
        assertEquals(1e-2, c.lrSegmentation(4.99), 1e-15);
        assertEquals(1e-3, c.lrSegmentation(5), 1e-15);
        assertEquals(1e-3, c.lrNetworks(0), 1e-15, "the networks are not in the groups");
        var dl4j = c.lrSchedule().of(1e-2);
        for (double t : new double[]{0, 0.5, 1, 2, 4.99, 5}) {
            dev.cryosphere.trainer.model.TrainingClock.setProgress(t);
            try {
                assertEquals(c.lrSegmentation(t), dl4j.valueAt(0, (int) t), 1e-15, "t = " + t);
            } finally {
                dev.cryosphere.trainer.model.TrainingClock.clear();
            }
        }
        assertTrue(error("scheduler: {milestones: [5], decay: 0.1, warmup: -3}\n").getMessage().contains("scheduler"));
    }

    @Test
    void wrongLengthsZeroStdsAndUnknownKeysAreNamed() throws Exception {
        InputException e = error("segments: 4\nsegmentation_start: {means_means: [1, 2, 3]}\n");
        assertTrue(e.getMessage().contains("segmentation_start.means_means") && e.getMessage().contains("4"), e.getMessage());
        e = error("segments: 4\nsegmentation_prior: {means_stds: 0}\n");
        assertTrue(e.getMessage().contains("segmentation_prior.means_stds"), e.getMessage());
        e = error("segments: 4\nsegmentation_start: {proportions_stds: 0}\n");
        assertTrue(e.getMessage().contains("segmentation_start.proportions_stds"), e.getMessage());
        e = assertThrows(InputException.class, () -> {
            Path f = dir.resolve("typo.yaml");
            Files.writeString(f, "segmentation_start: {mean_means: 3}\n");
            RunConfig.read(f);
        });
        assertTrue(e.getMessage().contains("mean_means"), e.getMessage());
    }

    private ModelConfig config(String yaml, long images) throws Exception {
        Path f = dir.resolve("sized.yaml");
        Files.writeString(f, yaml);
        return RunConfig.read(f).toModelConfig(32, 4.0, 1.0, chainA, images, f);
    }

    @Test
    void theDefaultPresetCountsItsScheduleInImagesSoItScalesWithTheDataset() throws Exception {
        ModelConfig small = RunConfig.defaults().toModelConfig(32, 4.0, 1.0, chainA, 2000, "defaults");
        assertEquals(8, small.segments());
        assertEquals("segments", small.segmentationUnits());
        assertEquals(32, small.batchSize());
        assertEquals(40, small.epochs());                                  // 80,000 images
        assertEquals(List.of(10.0, 20.0), small.lrSchedule().milestones()); // 20,000 and 40,000 images
        assertEquals(5.0, small.lrSchedule().warmup(), 1e-12);              // 10,000 images
        assertEquals(0.0, small.klMeans().value(3, 40));
        assertArrayEquals(new double[]{0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01}, small.startValues().meansStds());
        assertEquals(config("{}\n", 2000), small, "an empty file is the defaults");

        // ten times the particles: a tenth of the epochs, the same images seen at every milestone
        ModelConfig large = RunConfig.defaults().toModelConfig(32, 4.0, 1.0, chainA, 20_000, "defaults");
        assertEquals(4, large.epochs());
        assertEquals(List.of(1.0, 2.0), large.lrSchedule().milestones());
        assertEquals(1.5e-2, large.lrSegmentation(0.25), 1e-15, "half way through the warm-up");
        assertEquals(3e-2, large.lrSegmentation(0.99), 1e-15);
        assertEquals(3e-3, large.lrSegmentation(1.0), 1e-15);
        var dl4j = large.lrSchedule().of(3e-2);
        dev.cryosphere.trainer.model.TrainingClock.setProgress(0.25);
        try {
            assertEquals(1.5e-2, dl4j.valueAt(0, 0), 1e-15, "DL4J's schedule reads the progress inside the epoch");
        } finally {
            dev.cryosphere.trainer.model.TrainingClock.clear();
        }
        // a run of fewer images than the dataset still trains one epoch; the KL ramp follows the fraction done
        ModelConfig huge = RunConfig.defaults().toModelConfig(32, 4.0, 1.0, chainA, 200_000, "defaults");
        assertEquals(1, huge.epochs());
        assertEquals(0.5, huge.klLatent().value(0.25, huge.epochs()), 1e-12);
    }

    @Test
    void theReferencePresetIsThePapersSettings() throws Exception {
        ModelConfig r = config("preset: reference\n", 2000);
        assertEquals(4, r.segments());
        assertEquals("residues", r.segmentationUnits());
        assertEquals(128, r.batchSize());
        assertEquals(300, r.epochs());
        assertEquals(3e-5, r.lrNetworks());
        assertEquals(3e-4, r.lrSegmentation());
        assertNull(r.lrSchedule());
        assertEquals(ModelConfig.Schedule.cyclical(5, 0.5), r.klProportions());
        assertEquals(ModelConfig.Schedule.linear(), r.klMeans());
        assertEquals(ModelConfig.GmmValues.uniform(r.parts()).meansStds()[0], r.startValues().meansStds()[0]);
        // a key given over a preset wins; scheduler: null clears the default's decay
        assertEquals(6, config("preset: reference\nsegments: 6\n", 2000).segments());
        assertNull(config("scheduler: null\n", 2000).lrSchedule());
        InputException e = error("preset: fast\n");
        assertTrue(e.getMessage().contains("preset") && e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void trainingTimesTakeEpochsImagesOrSteps() throws Exception {
        assertEquals(40, config("epochs: 2500 steps\nbatch_size: 32\n", 2000).epochs());
        assertEquals(7, config("epochs: 7 epochs\n", 2000).epochs());
        assertEquals(2, config("epochs: 2001 images\n", 2000).epochs(), "rounded up to whole epochs");
        ModelConfig c = config("scheduler: {milestones: [1000 images, 3], decay: 0.5}\ntau_start: 0.4\ntau_epochs: 500 steps\n"
                + "batch_size: 10\n", 2000);
        assertEquals(List.of(0.5, 3.0), c.lrSchedule().milestones());
        assertEquals(2.5, c.tauEpochs(), 1e-12);
        for (String[] bad : new String[][]{{"epochs: 2.5\n", "epochs"}, {"epochs: 12 parsecs\n", "epochs"},
                {"epochs: 0\n", "epochs"}, {"epochs: -3 images\n", "epochs"}, {"epochs: 1.5 epochs\n", "epochs"},
                {"scheduler: {milestones: [soon], decay: 0.1}\n", "scheduler.milestones[0]"}}) {
            InputException e = error(bad[0]);
            assertTrue(e.getMessage().contains("'" + bad[1] + "'"), bad[0] + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("dev.cryosphere"), "no Java names: " + e.getMessage());
        }
    }
}
