package dev.cryosphere.trainer.model;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.testing.SharedData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two NaN sources of the reference do not occur: K = 20 segments on the 503-residue chain (segment-std
 * underflow, forced here with extreme noise draws) and a structure without any clashing pair (0/0 clash loss).
 * A few Adam steps in float32 with random images keep every parameter and the loss finite.
 */
class NoNanTest {
    private static final double[] BETAS = {1, 1, 1, 1, 0.1, 0.1};

    @Test
    void stdTransformNeverReachesZeroInFloat() {
        for (double x : new double[]{-16.7, -20, -80, -100, -1e4}) {
            float s = (float) StdTransform.value(x, 1e-3);
            assertTrue(s >= 1e-3f, "s(" + x + ") = " + s);
            float elu = (float) (Math.expm1((float) x)) + 1f;  // the reference's ELU(x) + 1 in float32
            if (x < -17) assertEquals(0f, elu, "the reference's form underflows at " + x);
        }
    }

    @Test
    void k20OnThe503ResidueChainStaysFinite() {
        AtomicModel model = AtomicModel.read(SharedData.structures("cryosphere_base_structure_flex_centered.pdb"));
        int[] chainA = model.residueRange("A", Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertEquals(503, chainA.length);
        BaseStructure s = BaseStructure.of(model, chainA);
        ModelConfig c = ModelConfig.defaults(32, 4.0, s.residues(), 20);
        train(c, s, 4, 3, true);
    }

    @Test
    void structureWithoutClashingPairStaysFinite() {
        int res = 40;
        double[] xyz = new double[3 * res], amp = new double[res];
        for (int i = 0; i < res; i++) {
            xyz[3 * i] = 5.0 * (i - res / 2.0);          // straight chain, 5 Å steps: no pair closer than 4 Å
            xyz[3 * i + 1] = 0.5 * Math.sin(i);
            amp[i] = 7;
        }
        BaseStructure s = BaseStructure.chain(xyz, amp);
        ModelConfig c = ModelConfig.defaults(64, 4.0, res, 4).withNetworks(8, List.of(64, 32), List.of(32));
        train(c, s, 4, 3, false);
        train(c.withFullClash(false), s, 4, 3, false);
    }

    private static void train(ModelConfig c, BaseStructure s, int batch, int steps, boolean extremeNoise) {
        ComputationGraph net = CryoSphereGraph.create(CryoSphereGraph.configuration(c, s));
        Random rng = new Random(3);
        int k = c.segments();
        for (int step = 0; step < steps; step++) {
            double[][] rot = new double[batch][], origin = new double[batch][], noise = new double[batch][];
            CtfParams[] ctf = new CtfParams[batch];
            INDArray[] in = TinyModels.randomInputs(c, batch, BETAS, rng, DataType.FLOAT, rot, origin, ctf, noise);
            if (extremeNoise) {
                // εs = −6 and −12 give std pre-activations bound − 60 and bound − 120 (bound = 25): ELU + 1 = 0 in float32
                INDArray cond = in[2];
                int so = InputLayout.POSE + c.pixels() + k;
                cond.putScalar(0, so, -6.0);
                cond.putScalar(1, so + 5, -12.0);
                cond.putScalar(2, so + 19, -12.0);
            }
            INDArray labels = in[0].dup();
            net.fit(new MultiDataSet(in, new INDArray[]{labels}));
            double score = net.score();
            assertTrue(Double.isFinite(score), "step " + step + ": loss " + score);
            INDArray p = net.params();
            assertEquals(0, p.isNaN().castTo(DataType.INT32).sumNumber().intValue(), "NaN parameters after step " + step);
            assertEquals(0, p.isInfinite().castTo(DataType.INT32).sumNumber().intValue(), "infinite parameters after step " + step);
            System.out.printf("K=%d R=%d step %d: loss %.5f%n", k, s.residues(), step, score);
        }
    }
}
