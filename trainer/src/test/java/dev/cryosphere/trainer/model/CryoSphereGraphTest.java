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
}
