package dev.cryosphere.trainer.model;

import dev.cryosphere.core.physics.CtfParams;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's gradient check of the whole graph (encoder to loss, GMM parameters included) in double precision on tiny
 * sizes, with the noise inputs fixed; and a central-difference check of the continuity and clash terms alone.
 */
class GradientCheckTest {

    /**
     * All parameters but the first encoder weight matrix go through DL4J's GradientCheckUtil (in M2.1 its
     * subset/maxPerParam options are ignored for ComputationGraphs, and each score costs ~0.1 s of SameDiff
     * overhead); that matrix, a plain DL4J dense layer whose error signal is already checked through its bias, is
     * checked on a sample of entries by the same central differences.
     */
    @ParameterizedTest
    @ValueSource(strings = {"residues", "segments", "segments, normalised posterior"})
    void wholeGraphPassesDl4jGradientCheck(String variant) {
        String units = variant.split(",")[0];
        Random rng = new Random(11);
        int box = 8, res = 12, k = 3, batch = 3;
        BaseStructure s = TinyModels.randomChain(res, 6, rng);
        // tau 0.5 instead of 0.05: the weights are less one-hot, so the GMM gradients are large enough to test.
        // L2 off: DL4J's checker adds the L2 gradient at full strength but the L2 score divided by the batch
        // (measured: every weight off by exactly (1 − 1/B)·c·w), an artefact of the checker, not of training.
        ModelConfig c = ModelConfig.defaults(box, 3.0, res, k)
                .withNetworks(3, List.of(4, 4), List.of(3)).withTau(0.5).withL2(0).withSegmentationUnits(units)
                .withSegmentationPosterior(variant.contains("normalised") ? "normalised" : "reference");
        ComputationGraph net = TinyModels.graph(c, s, DataType.DOUBLE);
        double[][] rot = new double[batch][], origin = new double[batch][], noise = new double[batch][];
        CtfParams[] ctf = new CtfParams[batch];
        double[] betas = {0.7, 0.5, 0.4, 0.3, 0.1, 0.1};
        INDArray[] in = TinyModels.randomInputs(c, batch, betas, rng, DataType.DOUBLE, rot, origin, ctf, noise);
        // the observation: the prediction plus noise, so the correlation is away from 0
        INDArray label = net.output(false, in)[0].dup();
        label.addi(Nd4j.randn(DataType.DOUBLE, label.shape()).muli(label.stdNumber().doubleValue()));

        long t0 = System.nanoTime();
        boolean ok;
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                    .net(net).inputs(in).labels(new INDArray[]{label})
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-9)
                    .excludeParams(Set.of("enc0_W"))
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
        System.out.printf("gradient check: %d params, %.1f s%n", net.params().length(), (System.nanoTime() - t0) / 1e9);
        assertTrue(ok, "gradient check failed");

        // sampled check of enc0_W; DL4J's gradient is of the batch sum, its score the batch mean
        net.setInputs(in);
        net.setLabels(label);
        net.computeGradientAndScore();
        INDArray g = net.gradient().getGradientFor("enc0_W").dup();
        assertTrue(net.gradient().getGradientFor(CryoSphereGraph.LOSS + "_meansMeans").norm2Number().doubleValue() > 0,
                "no gradient for the GMM means");
        INDArray w = net.getParam("enc0_W");
        for (int t = 0; t < 12; t++) {
            int i = rng.nextInt((int) w.size(0)), j = rng.nextInt((int) w.size(1));
            double orig = w.getDouble(i, j), h = 1e-6;
            w.putScalar(i, j, orig + h);
            net.computeGradientAndScore();
            double up = net.score();
            w.putScalar(i, j, orig - h);
            net.computeGradientAndScore();
            double down = net.score();
            w.putScalar(i, j, orig);
            double num = (up - down) / (2 * h), an = g.getDouble(i, j) / batch;
            assertEquals(num, an, 1e-9 + 1e-3 * Math.abs(num), "enc0_W[" + i + "," + j + "]");
        }
    }

    @Test
    void continuityAndClashMatchCentralDifferences() {
        Random rng = new Random(5);
        int res = 14;
        BaseStructure s = TinyModels.randomChain(res, 5, rng);
        ModelConfig c = TinyModels.tinyConfig(16, 2.0, res, 2, 2, 4);
        CryoSphereLossLayer layer = new CryoSphereLossLayer(c, s, null);
        // perturbed coordinates, 2 images, so that lengths change and some pairs clash
        double[][] coords = new double[3][2 * res];
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < res; i++)
                for (int ax = 0; ax < 3; ax++) coords[ax][b * res + i] = s.xyz()[3 * i + ax] + 0.8 * rng.nextGaussian();
        Map<String, INDArray> pairs = layer.clashPairs(coords3(coords, 2, res, DataType.DOUBLE), DataType.DOUBLE);
        for (String term : new String[]{"continuity", "clash", "clashDefinition", "sparseClash", "lightClash"}) {
            SameDiff sd = SameDiff.create();
            SDVariable[] xyz = new SDVariable[3];
            for (int ax = 0; ax < 3; ax++) xyz[ax] = sd.var("x" + ax, Nd4j.create(coords[ax], new long[]{2, res}, DataType.DOUBLE));
            SDVariable v = switch (term) {
                case "continuity" -> layer.continuity(sd, xyz, DataType.DOUBLE);
                case "clash" -> layer.clash(sd, xyz, DataType.DOUBLE);
                case "clashDefinition" -> layer.clashDefinition(sd, xyz, DataType.DOUBLE);
                case "sparseClash" -> layer.sparseClash(sd, xyz, DataType.DOUBLE);
                default -> layer.lightClash(sd, xyz, DataType.DOUBLE);
            };
            v.sum("out");
            Map<String, INDArray> ph = term.equals("sparseClash") ? pairs : Map.of();
            double value = sd.output(ph, "out").get("out").getDouble(0);
            assertTrue(value > 0, term + " is 0: the test structure must clash/stretch");
            Map<String, INDArray> grads = sd.calculateGradients(ph, "x0", "x1", "x2");
            double worst = 0;
            for (int ax = 0; ax < 3; ax++) {
                INDArray x = sd.getVariable("x" + ax).getArr();
                for (int i = 0; i < 2 * res; i++) {
                    double orig = x.getDouble(i), h = 1e-6;
                    x.putScalar(i, orig + h);
                    double up = sd.output(ph, "out").get("out").getDouble(0);
                    x.putScalar(i, orig - h);
                    double down = sd.output(ph, "out").get("out").getDouble(0);
                    x.putScalar(i, orig);
                    double num = (up - down) / (2 * h), an = grads.get("x" + ax).getDouble(i);
                    double err = Math.abs(num - an) / Math.max(1e-6, Math.abs(num) + Math.abs(an));
                    worst = Math.max(worst, err);
                    assertEquals(num, an, 1e-5 + 1e-4 * Math.abs(num), term + " d/d" + "xyz".charAt(ax) + "[" + i + "]");
                }
            }
            System.out.printf("%s: value %.4g, worst relative gradient error %.2g%n", term, value, worst);
        }
    }

    @Test
    void clashIsZeroAndFiniteWithoutClashingPairs() {
        int res = 10;
        double[] xyz = new double[3 * res], amp = new double[res];
        for (int i = 0; i < res; i++) {
            xyz[3 * i] = 5.0 * i - 22.5;   // a straight chain, 5 Å steps: no pair closer than 4 Å
            amp[i] = 6;
        }
        BaseStructure s = BaseStructure.chain(xyz, amp);
        CryoSphereLossLayer layer = new CryoSphereLossLayer(TinyModels.tinyConfig(16, 2.0, res, 2, 2, 4), s, null);
        SameDiff sd = SameDiff.create();
        SDVariable[] v = new SDVariable[3];
        for (int ax = 0; ax < 3; ax++) {
            double[] c = new double[res];
            for (int i = 0; i < res; i++) c[i] = xyz[3 * i + ax];
            v[ax] = sd.var("x" + ax, Nd4j.create(c, new long[]{1, res}, DataType.DOUBLE));
        }
        layer.clash(sd, v, DataType.DOUBLE).add(layer.lightClash(sd, v, DataType.DOUBLE))
                .add(layer.sparseClash(sd, v, DataType.DOUBLE)).sum("out");
        double[][] one = new double[3][res];
        for (int ax = 0; ax < 3; ax++) for (int i = 0; i < res; i++) one[ax][i] = xyz[3 * i + ax];
        Map<String, INDArray> ph = layer.clashPairs(coords3(one, 1, res, DataType.DOUBLE), DataType.DOUBLE);
        assertEquals(0.0, sd.output(ph, "out").get("out").getDouble(0));
        Map<String, INDArray> g = sd.calculateGradients(ph, "x0", "x1", "x2");
        for (INDArray a : g.values()) {
            for (double x : a.toDoubleVector()) assertTrue(Double.isFinite(x));
            assertEquals(0.0, a.norm2Number().doubleValue());
        }
    }

    /** [B,3,R] from coordinates per axis, image-major (coords[ax][b·R + i]). */
    static INDArray coords3(double[][] coords, int batch, int res, DataType dt) {
        double[] out = new double[batch * 3 * res];
        for (int b = 0; b < batch; b++)
            for (int ax = 0; ax < 3; ax++)
                System.arraycopy(coords[ax], b * res, out, (b * 3 + ax) * res, res);
        return Nd4j.create(out, new long[]{batch, 3, res}, DataType.DOUBLE).castTo(dt);
    }

    /** Values per image and gradients of Σ_b w_b·clash_b for the dense, definition and sparse forms, float32. */
    private static double[][][] clashForms(CryoSphereLossLayer layer, double[][] coords, int batch, int res) {
        double[][][] out = new double[3][4][];
        double[] w = new double[batch];
        for (int b = 0; b < batch; b++) w[b] = 1 + b;
        for (int which = 0; which < 3; which++) {
            SameDiff sd = SameDiff.create();
            SDVariable[] xyz = new SDVariable[3];
            for (int ax = 0; ax < 3; ax++)
                xyz[ax] = sd.var("x" + ax, Nd4j.create(coords[ax], new long[]{batch, res}, DataType.DOUBLE).castTo(DataType.FLOAT));
            SDVariable v = switch (which) {
                case 0 -> layer.clash(sd, xyz, DataType.FLOAT);
                case 1 -> layer.clashDefinition(sd, xyz, DataType.FLOAT);
                default -> layer.sparseClash(sd, xyz, DataType.FLOAT);
            };
            v.mul(sd.constant(Nd4j.create(w, new long[]{batch, 1}, DataType.DOUBLE).castTo(DataType.FLOAT))).sum("out");
            // the pairs from the float coordinates, as in training
            Map<String, INDArray> ph = which == 2
                    ? layer.clashPairs(coords3(coords, batch, res, DataType.FLOAT), DataType.FLOAT) : Map.of();
            out[which][0] = sd.output(ph, v.name()).get(v.name()).castTo(DataType.DOUBLE).toDoubleVector();
            Map<String, INDArray> g = sd.calculateGradients(ph, "x0", "x1", "x2");
            for (int ax = 0; ax < 3; ax++) out[which][1 + ax] = g.get("x" + ax).castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        }
        return out;
    }

    private static void assertSameClash(double[][][] forms, int batch, int res, String what) {
        for (int which : new int[]{0, 2}) {
            for (int b = 0; b < batch; b++) {
                assertEquals(forms[1][0][b], forms[which][0][b], 1e-6 * Math.abs(forms[1][0][b]), what + ": clash of image " + b + ", form " + which);
            }
            for (int ax = 0; ax < 3; ax++)
                for (int i = 0; i < batch * res; i++)
                    assertEquals(forms[1][1 + ax][i], forms[which][1 + ax][i], 1e-5 * (1e-3 + Math.abs(forms[1][1 + ax][i])),
                            what + ": gradient " + ax + "," + i + ", form " + which);
        }
    }

    /**
     * The sparse clash (candidate pairs per batch) equals the definition on strongly deformed structures: half the
     * chain rotated by up to 180° about a random axis through a random residue and translated by up to 30 Å (so the
     * halves collide), plus noise of up to 3 Å, several images per batch with different motions, and an image
     * without any clash next to clashing ones.
     */
    @Test
    void sparseClashEqualsTheDefinitionUnderLargeMotions() {
        Random rng = new Random(21);
        int res = 120, batch = 6;
        BaseStructure s = TinyModels.randomChain(res, 14, rng);
        CryoSphereLossLayer layer = new CryoSphereLossLayer(TinyModels.tinyConfig(16, 2.0, res, 2, 2, 4), s, null);
        for (int trial = 0; trial < 3; trial++) {
            double[][] coords = new double[3][batch * res];
            for (int b = 0; b < batch; b++) {
                double angle = Math.PI * rng.nextDouble();
                double[] axis = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
                double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
                for (int ax = 0; ax < 3; ax++) axis[ax] /= n;
                int pivot = rng.nextInt(res);
                double[] shift = {30 * (2 * rng.nextDouble() - 1), 30 * (2 * rng.nextDouble() - 1), 30 * (2 * rng.nextDouble() - 1)};
                double noise = 3 * rng.nextDouble();
                boolean spread = b == batch - 1;                   // the last image: a straight line, no clash
                for (int i = 0; i < res; i++) {
                    double[] p = {s.xyz()[3 * i], s.xyz()[3 * i + 1], s.xyz()[3 * i + 2]};
                    if (i >= res / 2) {
                        double[] q = new double[3];
                        for (int ax = 0; ax < 3; ax++) q[ax] = p[ax] - s.xyz()[3 * pivot + ax];
                        double[] rq = rotate(q, axis, angle);
                        for (int ax = 0; ax < 3; ax++) p[ax] = rq[ax] + s.xyz()[3 * pivot + ax] + shift[ax];
                    }
                    for (int ax = 0; ax < 3; ax++) {
                        coords[ax][b * res + i] = spread ? (ax == 0 ? 5.0 * i : 0.0) : p[ax] + noise * rng.nextGaussian();
                    }
                }
            }
            double[][][] forms = clashForms(layer, coords, batch, res);
            for (int b = 0; b < batch - 1; b++) assertTrue(forms[1][0][b] > 0, "image " + b + " must clash");
            assertEquals(0.0, forms[1][0][batch - 1]);
            assertSameClash(forms, batch, res, "trial " + trial);
        }
    }

    private static double[] rotate(double[] v, double[] k, double a) {
        double c = Math.cos(a), s = Math.sin(a), dot = v[0] * k[0] + v[1] * k[1] + v[2] * k[2];
        double[] cross = {k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]};
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) out[i] = v[i] * c + cross[i] * s + k[i] * dot * (1 - c);
        return out;
    }

    /** The fast full clash and the sparse one give the definition's numbers (value and gradient), in float32 as trained. */
    @Test
    void fastClashEqualsTheDefinition() {
        Random rng = new Random(9);
        int res = 40, batch = 3;
        BaseStructure s = TinyModels.randomChain(res, 8, rng);
        CryoSphereLossLayer layer = new CryoSphereLossLayer(TinyModels.tinyConfig(16, 2.0, res, 2, 2, 4), s, null);
        double[][] coords = new double[3][batch * res];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < res; i++)
                for (int ax = 0; ax < 3; ax++) coords[ax][b * res + i] = s.xyz()[3 * i + ax] + 1.5 * rng.nextGaussian();
        double[][][] forms = clashForms(layer, coords, batch, res);
        for (int b = 0; b < batch; b++) assertTrue(forms[1][0][b] > 0, "the test structure must clash");
        assertSameClash(forms, batch, res, "noise 1.5 Å");
    }
}
