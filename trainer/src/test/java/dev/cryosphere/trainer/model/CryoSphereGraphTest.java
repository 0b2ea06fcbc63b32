package dev.cryosphere.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CryoSphereGraphTest {
    private static ComputationGraphConfiguration conf() {
        BaseStructure s = TinyModels.randomChain(20, 10, new Random(1));
        return CryoSphereGraph.configuration(TinyModels.tinyConfig(16, 2.0, 20, 3, 4, 8), s);
    }

    @Test
    void twoLearningRates() {
        ComputationGraphConfiguration conf = conf();
        for (String name : new String[]{"enc0", "enc1", CryoSphereGraph.ENC_OUT, "dec0", CryoSphereGraph.DEC_OUT}) {
            BaseLayer l = (BaseLayer) ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
            assertEquals(3e-5, ((Adam) l.getIUpdater()).getLearningRate(), name);
        }
        CryoSphereLossLayer loss = (CryoSphereLossLayer) ((LayerVertex) conf.getVertices().get(CryoSphereGraph.LOSS)).getLayerConf().getLayer();
        assertEquals(3e-4, ((Adam) loss.getUpdater()).getLearningRate());
    }

    @Test
    void gmmParametersStartAtTheReferenceValues() {
        ComputationGraph net = CryoSphereGraph.create(conf());
        ModelConfig.GmmValues start = ModelConfig.GmmValues.uniform(java.util.List.of(ModelConfig.Part.whole(20, 3)));
        assertArrayEquals(start.meansMeans(), net.getParam("loss_meansMeans").toDoubleVector(), 1e-5);
        assertArrayEquals(start.stdsMeans(), net.getParam("loss_stdsMeans").toDoubleVector(), 1e-5);
        assertArrayEquals(start.proportionsStds(), net.getParam("loss_propStds").toDoubleVector(), 1e-5);
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraphConfiguration conf = conf();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        CryoSphereLossLayer a = (CryoSphereLossLayer) ((LayerVertex) conf.getVertices().get("loss")).getLayerConf().getLayer();
        CryoSphereLossLayer b = (CryoSphereLossLayer) ((LayerVertex) back.getVertices().get("loss")).getLayerConf().getLayer();
        assertArrayEquals(a.getBaseXyz(), b.getBaseXyz());
        assertArrayEquals(a.getPrior(), b.getPrior());
        assertArrayEquals(a.getPairSecond(), b.getPairSecond());
        assertEquals(a.getTau(), b.getTau());
        assertEquals(a.getFStd(), b.getFStd());
        assertTrue(back.getVertices().get("z") instanceof ReparamVertex);
        assertEquals(conf.toJson(), back.toJson());
    }

    @Test
    void latentPosteriorStartsAtTheConfiguredStd() {
        ComputationGraph net = CryoSphereGraph.create(conf());
        double[] b = net.getParam(CryoSphereGraph.ENC_OUT + "_b").toDoubleVector();
        double floor = TinyModels.tinyConfig(16, 2.0, 20, 3, 4, 8).stdFloor();
        for (int d = 0; d < 4; d++) {
            assertEquals(0.0, b[d], 0.0, "mean outputs keep bias 0");
            assertEquals(ModelConfig.DEFAULT_LATENT_STD_INIT, StdTransform.value(b[4 + d], floor), 1e-6, "std output " + d);
        }
        // 0 keeps the reference's init: bias 0, std = ELU(0) + 1 + floor
        ModelConfig reference = TinyModels.tinyConfig(16, 2.0, 20, 3, 4, 8).withLatentStdInit(0);
        ComputationGraph ref = CryoSphereGraph.create(CryoSphereGraph.configuration(reference, TinyModels.randomChain(20, 10, new Random(1))));
        for (double v : ref.getParam(CryoSphereGraph.ENC_OUT + "_b").toDoubleVector()) assertEquals(0.0, v, 0.0);
    }

    @Test
    void stdTransformInverse() {
        for (double s : new double[]{0.002, 0.01, 0.5, 1.0, 1.001, 3.7})
            assertEquals(s, StdTransform.value(StdTransform.inverse(s, 1e-3), 1e-3), 1e-12, "std " + s);
    }

    /**
     * The loss layer's two memory paths (DL4J's workspace; recycled arrays, on by default for large structures) and
     * its reuse of the backward pass's loss as the score train to the same parameters and scores, bit for bit; the
     * structure clashes, so the clash pairs are fed too.
     */
    @Test
    void memoryPathsAndSavedScoreGiveIdenticalTraining() {
        BaseStructure s = TinyModels.randomChain(30, 5, new Random(4));
        ModelConfig c = TinyModels.tinyConfig(16, 2.0, 30, 3, 4, 8);
        double[][] results = new double[2][];
        for (int run = 0; run < 2; run++) {
            System.setProperty("cryosphere.reuse", run == 0 ? "false" : "true");
            try {
                ComputationGraph net = CryoSphereGraph.create(CryoSphereGraph.configuration(c, s));
                Random rng = new Random(8);
                double[] out = new double[4];
                for (int step = 0; step < 3; step++) {
                    double[][] rot = new double[4][], origin = new double[4][], noise = new double[4][];
                    org.nd4j.linalg.api.ndarray.INDArray[] in = TinyModels.randomInputs(c, 4,
                            new double[]{1, 1, 1, 1, 0.1, 0.1}, rng, org.nd4j.linalg.api.buffer.DataType.FLOAT, rot, origin,
                            new dev.cryosphere.core.physics.CtfParams[4], noise);
                    org.nd4j.linalg.dataset.MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(in,
                            new org.nd4j.linalg.api.ndarray.INDArray[]{in[0].dup()});
                    net.fit(mds);
                    out[step] = net.score();
                    if (step == 2) out[3] = net.score(mds, false);     // a separate forward pass, no saved loss
                }
                double[] p = net.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
                results[run] = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(out), java.util.Arrays.stream(p)).toArray();
            } finally {
                System.clearProperty("cryosphere.reuse");
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertTrue(results[0][0] > 0 || results[0][0] < 0, "a loss");
    }
}
