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
