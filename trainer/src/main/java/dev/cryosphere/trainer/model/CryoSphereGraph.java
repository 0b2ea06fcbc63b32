package dev.cryosphere.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Builds the cryoSPHERE VAE as a DL4J ComputationGraph:
 * <pre>
 *   image [N²] ─ enc0..encH (Dense, LeakyReLU) ─ encOut (Dense, 2L: μ | x) ─┐
 *   latentNoise [L] ──────────────────────────────────────────────────── z (ReparamVertex)
 *   z ─ dec0..decH (Dense, LeakyReLU) ─ decOut (Dense, 6K) ─┐
 *   merge = [decOut | encOut | cond] ─ loss (CryoSphereLossLayer, labels = observed image)
 * </pre>
 * Inputs in order: "image", "latentNoise", "cond" ({@link InputLayout}); one output, "loss".
 *
 * <p>Why these choices: the dense layers use Adam at the network learning rate and the loss layer (holding the GMM
 * parameters) Adam at the segmentation rate, DL4J's per-layer updaters giving the reference's two parameter
 * groups. Weight init is DL4J's UNIFORM, U(±1/√fan_in), PyTorch's Linear weight init (biases start at 0, not
 * uniform). L2 is DL4J's L2Regularization on dense weights only; it penalises ½·c·Σw², so c = 2·β_l2 gives the
 * reference's β·Σw².
 */
public final class CryoSphereGraph {
    public static final String IMAGE = "image", LATENT_NOISE = "latentNoise", COND = "cond";
    public static final String ENC_OUT = "encOut", DEC_OUT = "decOut", LOSS = "loss", Z = "z";

    private CryoSphereGraph() {}

    /** Training configuration: Adam at the config's two learning rates, float32. */
    public static ComputationGraphConfiguration configuration(ModelConfig c, BaseStructure s) {
        ModelConfig.LrSchedule lr = c.lrSchedule();
        // a schedule reads the trainer's epoch from TrainingClock, which the trainer and every Spark task set
        return configuration(c, s, DataType.FLOAT,
                lr != null && lr.networks() ? new Adam(lr.of(c.lrNetworks())) : new Adam(c.lrNetworks()),
                lr != null && lr.segmentation() ? new Adam(lr.of(c.lrSegmentation())) : new Adam(c.lrSegmentation()));
    }

    public static ComputationGraphConfiguration configuration(ModelConfig c, BaseStructure s, DataType dataType,
                                                              IUpdater networks, IUpdater segmentation) {
        InputLayout layout = InputLayout.of(c);
        ActivationLReLU leaky = new ActivationLReLU(c.leakySlope());
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(dataType)
                .updater(networks)
                .weightInit(WeightInit.UNIFORM)
                .graphBuilder()
                .addInputs(IMAGE, LATENT_NOISE, COND);
        String prev = IMAGE;
        int width = c.pixels(), i = 0;
        for (int h : c.encoderHidden()) {
            String name = "enc" + i++;
            g.addLayer(name, dense(width, h, leaky, c), prev);
            prev = name;
            width = h;
        }
        g.addLayer(ENC_OUT, dense(width, layout.encoderWidth(), Activation.IDENTITY.getActivationFunction(), c), prev);
        g.addVertex(Z, new ReparamVertex(c.latentDim(), c.stdFloor(), c.latentStdInit()), ENC_OUT, LATENT_NOISE);
        prev = "z";
        width = c.latentDim();
        i = 0;
        for (int h : c.decoderHidden()) {
            String name = "dec" + i++;
            g.addLayer(name, dense(width, h, leaky, c), prev);
            prev = name;
            width = h;
        }
        g.addLayer(DEC_OUT, dense(width, layout.decoderWidth(), Activation.IDENTITY.getActivationFunction(), c), prev);
        g.addVertex("merge", new MergeVertex(), DEC_OUT, ENC_OUT, COND);
        g.addLayer(LOSS, new CryoSphereLossLayer(c, s, segmentation), "merge");
        g.setOutputs(LOSS);
        g.setInputTypes(InputType.feedForward(c.pixels()), InputType.feedForward(c.latentDim()),
                InputType.feedForward(layout.condWidth()));
        return g.build();
    }

    private static DenseLayer dense(int in, int out, org.nd4j.linalg.activations.IActivation act, ModelConfig c) {
        return new DenseLayer.Builder().nIn(in).nOut(out).activation(act).l2(2 * c.l2()).build();
    }

    /** A new, initialised graph (parameters from the config's seed). */
    public static ComputationGraph create(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        // DL4J's init of the dense weights is not reproducible here (measured: two inits of one configuration with the
        // same seed differed), so the weights are drawn again from the configuration's seed: U(±1/√fan_in), PyTorch's
        // Linear init, as WeightInit.UNIFORM intends.
        long seed = conf.getDefaultConfiguration().getSeed();
        for (String key : new java.util.TreeSet<>(net.paramTable().keySet())) {
            if (!key.endsWith("_W")) continue;
            INDArray w = net.getParam(key);
            java.util.Random rng = new java.util.Random(seed * 31 + key.hashCode());
            double bound = 1.0 / Math.sqrt(w.size(0));
            double[] v = new double[(int) w.length()];
            for (int i = 0; i < v.length; i++) v[i] = (2 * rng.nextDouble() - 1) * bound;
            w.assign(Nd4j.create(v, w.shape(), w.ordering()).castTo(w.dataType()));
        }
        // the posterior std at init (ModelConfig.latentStdInit): the bias of the encoder's std outputs
        if (conf.getVertices().get(Z) instanceof ReparamVertex z && z.getInitialStd() > 0) {
            INDArray b = net.getParam(ENC_OUT + "_b");
            int l = z.getLatentDim();
            double x = StdTransform.inverse(z.getInitialStd(), z.getStdFloor());
            for (int i = l; i < 2 * l; i++) b.putScalar(i, x);
        }
        return net;
    }
}
