package dev.cryosphere.trainer.run;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.Deformation;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.model.Segmentation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained cryoSPHERE model read back from a run folder: the encoder (image → latent mean), the decoder
 * (latent → per-segment rigid motions) and the segmentation GMM, with the base structure. This is what evaluation uses.
 * Structures are decoded deterministically with the GMM's mean segmentation unless a noise sample is given.
 */
public final class TrainedModel {
    private final ModelConfig config;
    private final AtomicModel base;
    private final BaseStructure structure;
    private final ComputationGraph graph;
    private final int epoch;
    private double[] frameOffset = new double[3];

    TrainedModel(ModelConfig config, AtomicModel base, BaseStructure structure, ComputationGraph graph, int epoch) {
        this.config = config;
        this.base = base;
        this.structure = structure;
        this.graph = graph;
        this.epoch = epoch;
    }

    /** The newest complete checkpoint of {@code run}. */
    public static TrainedModel load(Path run) {
        RunLayout layout = new RunLayout(run);
        if (!Files.isDirectory(run)) throw new InputException(run, null, "run folder not found");
        int epoch = layout.latestCheckpoint().orElseThrow(() ->
                new InputException(run, "checkpoints/", "no complete checkpoint: this run has no trained model yet"));
        return load(run, epoch);
    }

    public static TrainedModel load(Path run, int epoch) {
        RunLayout layout = new RunLayout(run);
        ModelConfig config = layout.readConfig();
        Path basePath = layout.baseStructure().orElseThrow(() ->
                new InputException(run, "base_structure.pdb", "missing: not a training run folder"));
        double[] offset = RunFrame.offset(layout);
        AtomicModel base = RunFrame.shift(AtomicModel.read(basePath), offset, -1);
        Path zip = layout.checkpoint(epoch).resolve("model.zip");
        if (!Files.exists(zip)) throw new InputException(layout.checkpoint(epoch), "model.zip", "missing");
        ComputationGraph graph = Checkpoints.loadGraph(zip, false);
        TrainedModel m = new TrainedModel(config, base, BaseStructure.of(base), graph, epoch);
        m.frameOffset = offset;
        return m;
    }

    public ModelConfig config() { return config; }

    /** The base structure in the particles' box frame (the run's copy moved by −{@link #frameOffset()}). */
    public AtomicModel baseModel() { return base; }

    /** Where the box centre lies in the user's frame (train --map), Å; zeros otherwise. Outputs add it back. */
    public double[] frameOffset() { return frameOffset.clone(); }

    public BaseStructure structure() { return structure; }

    public ComputationGraph graph() { return graph; }

    /** The epoch of the checkpoint this model comes from: epochs done, 1-based ({@code epoch-NNNN}). */
    public int epoch() { return epoch; }

    /** Latent means for a batch of images prepared as in training (see {@link BatchBuilder#encoderInput}). */
    public double[][] encode(float[][] images) {
        int b = images.length, l = config.latentDim();
        INDArray enc = forward(encoderLayers(), Nd4j.create(images));
        double[][] mu = new double[b][l];
        for (int i = 0; i < b; i++) for (int d = 0; d < l; d++) mu[i][d] = enc.getDouble(i, d);
        return mu;
    }

    /** Decoder output (6 numbers per segment: translation Å, quaternion vector part) for latent points. */
    public double[][] decode(double[][] z) {
        int b = z.length, l = config.latentDim();
        INDArray zi = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, l);
        for (int i = 0; i < b; i++) for (int d = 0; d < l; d++) zi.putScalar(i, d, z[i][d]);
        INDArray x = forward(decoderLayers(), zi);
        double[][] out = new double[b][(int) x.size(1)];
        for (int i = 0; i < b; i++) for (int k = 0; k < out[i].length; k++) out[i][k] = x.getDouble(i, k);
        return out;
    }

    /** The GMM's current variational parameters (start values overwritten by training). */
    public ModelConfig.GmmValues gmm() {
        return gmmOf(graph);
    }

    /** The GMM variational parameters held by a graph's loss layer. */
    public static ModelConfig.GmmValues gmmOf(ComputationGraph graph) {
        double[][] v = new double[6][];
        var layer = (dev.cryosphere.trainer.model.CryoSphereLossLayer) graph.getLayer(CryoSphereGraph.LOSS).conf().getLayer();
        var names = dev.cryosphere.trainer.model.CryoSphereLossLayer.paramNames();
        for (int i = 0; i < 6; i++)
            v[i] = layer.inResidues(i, graph.getParam(CryoSphereGraph.LOSS + "_" + names.get(i)).toDoubleVector());
        return new ModelConfig.GmmValues(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** Segmentation weights [residue][segment]: the mean segmentation (noise 0) or one sample. */
    public double[][] segmentation(double[] noiseOrNull) {
        double[] noise = noiseOrNull != null ? noiseOrNull : new double[3 * config.segments()];
        return Segmentation.weights(gmm(), config, structure.residues(), noise, config.tau());
    }

    /** Coordinates (flat, Å) of the structure at each latent point, with the given segmentation. */
    public double[][] structures(double[][] z, double[][] weights) {
        double[][] decoded = decode(z);
        double[][] out = new double[z.length][];
        for (int i = 0; i < z.length; i++) out[i] = Deformation.apply(structure.xyz(), weights, decoded[i]);
        return out;
    }

    /** Runs a chain of dense layers alone (inference), without the physics of the loss layer. */
    private INDArray forward(java.util.List<String> layers, INDArray x) {
        INDArray a = x.castTo(graph.params().dataType());
        for (String name : layers) {
            org.deeplearning4j.nn.api.Layer layer = graph.getLayer(name);
            layer.setInput(a, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            a = layer.activate(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        }
        return a;
    }

    private java.util.List<String> encoderLayers() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < config.encoderHidden().size(); i++) names.add("enc" + i);
        names.add(CryoSphereGraph.ENC_OUT);
        return names;
    }

    private java.util.List<String> decoderLayers() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < config.decoderHidden().size(); i++) names.add("dec" + i);
        names.add(CryoSphereGraph.DEC_OUT);
        return names;
    }

}
