package dev.cryosphere.trainer.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * τ annealing (tau_start → tau over tau_epochs): the graph reads τ from its input, and a graph fed τ = t scores and
 * differentiates exactly like the graph with the constant τ = t; the schedule is geometric.
 */
class TauAnnealingTest {
    private static final int RES = 12;

    @Test
    void theScheduleIsGeometricFromTauStartToTau() {
        ModelConfig c = TinyModels.tinyConfig(8, 3.0, RES, 3, 2, 4).withTau(0.05).withTauAnnealing(0.8, 4.0);
        assertEquals(0.8, c.tauAt(0), 1e-15);
        assertEquals(0.4, c.tauAt(1), 1e-12);      // 0.8 · (0.05/0.8)^(1/4) = 0.8 · 0.5
        assertEquals(0.1, c.tauAt(3), 1e-12);
        assertEquals(0.05, c.tauAt(4), 0);
        assertEquals(0.05, c.tauAt(40), 0);
        assertFalse(c.withTauAnnealing(null, null).annealsTau());
        assertEquals(0.05, c.withTauAnnealing(null, null).tauAt(0), 0);
        assertThrows(IllegalArgumentException.class, () -> c.withTauAnnealing(0.5, 0.0));
        assertThrows(IllegalArgumentException.class, () -> c.withTauAnnealing(-1.0, 3.0));
    }

    @Test
    void tauFromTheInputEqualsTheSameConstantTau() {
        BaseStructure s = TinyModels.randomChain(RES, 6, new Random(3));
        ModelConfig constant = TinyModels.tinyConfig(8, 3.0, RES, 3, 2, 4).withTau(0.4);
        ModelConfig annealed = constant.withTau(0.05).withTauAnnealing(0.4, 10.0);
        assertEquals(InputLayout.of(constant).condWidth() + 1, InputLayout.of(annealed).condWidth());
        ComputationGraph a = TinyModels.graph(constant, s, DataType.DOUBLE), b = TinyModels.graph(annealed, s, DataType.DOUBLE);
        assertEquals(a.params(), b.params(), "same initial parameters");

        double[] betas = {0.7, 0.5, 0.4, 0.3, 0.1, 0.1};
        MultiDataSet da = batch(constant, betas), db = batch(annealed, betas);
        INDArray lastA = da.getFeatures(2).getColumn(da.getFeatures(2).columns() - 1);
        assertEquals(0.4, db.getFeatures(2).getDouble(0, db.getFeatures(2).columns() - 1), 1e-15, "τ of epoch 0 in the input");
        assertNotEquals(0.4, lastA.getDouble(0), "the constant graph has no τ column");

        assertEquals(score(a, da), score(b, db), 1e-12);
        a.setInputs(da.getFeatures());
        a.setLabels(da.getLabels());
        a.computeGradientAndScore();
        b.setInputs(db.getFeatures());
        b.setLabels(db.getLabels());
        b.computeGradientAndScore();
        for (String p : new String[]{"meansMeans", "stdsMeans", "propMeans"}) {
            INDArray ga = a.gradient().getGradientFor(CryoSphereGraph.LOSS + "_" + p);
            INDArray gb = b.gradient().getGradientFor(CryoSphereGraph.LOSS + "_" + p);
            assertTrue(ga.norm2Number().doubleValue() > 0, p + " has a gradient");
            assertEquals(0, ga.sub(gb).amaxNumber().doubleValue(), 1e-12 * (1 + ga.amaxNumber().doubleValue()), p);
        }

        // the input's τ is what counts: τ = 0.05 there scores like the constant 0.05
        INDArray cond = db.getFeatures(2).dup();
        cond.getColumn(cond.columns() - 1).assign(0.05);
        MultiDataSet sharp = new MultiDataSet(new INDArray[]{db.getFeatures(0), db.getFeatures(1), cond}, db.getLabels());
        ComputationGraph c = TinyModels.graph(constant.withTau(0.05), s, DataType.DOUBLE);
        assertEquals(score(c, batch(constant.withTau(0.05), betas)), score(b, sharp), 1e-12);
        assertNotEquals(score(a, da), score(b, sharp), 1e-6);
    }

    /** The same random batch for either configuration (the RNG draws do not depend on the τ column). */
    private static MultiDataSet batch(ModelConfig c, double[] betas) {
        Random rng = new Random(17);
        int n = 3;
        INDArray[] in = TinyModels.randomInputs(c, n, betas, rng, DataType.DOUBLE, new double[n][], new double[n][],
                new dev.cryosphere.core.physics.CtfParams[n], new double[n][]);
        INDArray label = Nd4j.rand(new Random(23).nextLong(), new long[]{n, c.pixels()}).castTo(DataType.DOUBLE);
        return new MultiDataSet(in, new INDArray[]{label});
    }

    private static double score(ComputationGraph g, MultiDataSet d) {
        return g.score(d, false);
    }
}
