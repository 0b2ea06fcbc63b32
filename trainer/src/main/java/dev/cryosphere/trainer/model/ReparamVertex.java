package dev.cryosphere.trainer.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The VAE reparameterisation z = μ + s(x)·ε, in plain Java (inputs: encoder output [μ | x] of width 2L, and the
 * noise ε [B, L]; output z [B, L]). s is {@link StdTransform}.
 *
 * <p>Why a plain-Java vertex with ε as a graph input: a SameDiff random op would be re-drawn when DL4J re-runs the
 * forward pass inside the backward pass, so the gradient would not belong to the sample (java-stack.md pitfall 5),
 * and a SameDiffVertex doubles its gradients (pitfall 1). Feeding ε from outside also makes a step reproducible
 * from the seed and lets a gradient check hold it fixed; zero noise gives the posterior mean.
 */
public class ReparamVertex extends GraphVertex {
    private int latentDim;
    private double stdFloor;
    /** Posterior std at initialisation, 0 = the reference's (encoder bias 0); applied by {@link CryoSphereGraph#create}. */
    private double initialStd;

    /** For JSON. */
    public ReparamVertex() {}

    public ReparamVertex(int latentDim, double stdFloor) {
        this(latentDim, stdFloor, 0);
    }

    public ReparamVertex(int latentDim, double stdFloor, double initialStd) {
        this.latentDim = latentDim;
        this.stdFloor = stdFloor;
        this.initialStd = initialStd;
    }

    public double getInitialStd() { return initialStd; }

    public void setInitialStd(double initialStd) { this.initialStd = initialStd; }

    public int getLatentDim() { return latentDim; }

    public void setLatentDim(int latentDim) { this.latentDim = latentDim; }

    public double getStdFloor() { return stdFloor; }

    public void setStdFloor(double stdFloor) { this.stdFloor = stdFloor; }

    @Override
    public ReparamVertex clone() {
        return new ReparamVertex(latentDim, stdFloor, initialStd);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReparamVertex v && v.latentDim == latentDim && v.stdFloor == stdFloor && v.initialStd == initialStd;
    }

    @Override
    public int hashCode() {
        return (31 * latentDim + Double.hashCode(stdFloor)) * 31 + Double.hashCode(initialStd);
    }

    @Override
    public long numParams(boolean backprop) { return 0; }

    @Override
    public int minVertexInputs() { return 2; }

    @Override
    public int maxVertexInputs() { return 2; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Impl(graph, name, idx, latentDim, stdFloor, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        return InputType.feedForward(latentDim);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, ReparamVertex.class, inputTypes[0], InputType.feedForward(latentDim))
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** The runtime vertex. */
    static final class Impl extends BaseGraphVertex {
        private final int latentDim;
        private final double stdFloor;

        Impl(ComputationGraph graph, String name, int idx, int latentDim, double stdFloor, DataType dataType) {
            super(graph, name, idx, null, null, dataType);
            this.latentDim = latentDim;
            this.stdFloor = stdFloor;
        }

        @Override
        public boolean hasLayer() { return false; }

        @Override
        public Layer getLayer() { return null; }

        private INDArray raw() {
            return inputs[0].get(NDArrayIndex.all(), NDArrayIndex.interval(latentDim, 2 * latentDim));
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoForward()) throw new IllegalStateException("ReparamVertex " + vertexName + ": inputs not set");
            INDArray mu = inputs[0].get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentDim));
            INDArray x = raw();
            INDArray std = Transforms.max(x, 0.0, true).addi(Transforms.exp(Transforms.min(x, 0.0, true), false)).addi(stdFloor);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.size(0), latentDim);
            out.assign(std.muli(inputs[1])).addi(mu);
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!canDoBackward()) throw new IllegalStateException("ReparamVertex " + vertexName + ": epsilon not set");
            INDArray x = raw();
            long b = x.size(0);
            INDArray dEnc = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, x.dataType(), b, 2L * latentDim);
            dEnc.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentDim)).assign(epsilon);
            // ds/dx = exp(min(x, 0)): 1 above 0, exp(x) below, as for ELU + 1
            INDArray dStd = Transforms.exp(Transforms.min(x, 0.0, true), false);
            dEnc.get(NDArrayIndex.all(), NDArrayIndex.interval(latentDim, 2 * latentDim))
                    .assign(dStd.muli(inputs[1]).muli(epsilon));
            INDArray std = Transforms.max(x, 0.0, true).addi(Transforms.exp(Transforms.min(x, 0.0, true), false)).addi(stdFloor);
            INDArray dNoise = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, x.dataType(), b, latentDim);
            dNoise.assign(std.muli(epsilon));
            return new Pair<>(null, new INDArray[]{dEnc, dNoise});
        }

        @Override
        public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
            if (backpropGradientsViewArray != null) throw new IllegalStateException("ReparamVertex has no parameters");
        }

        @Override
        public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
            return new Pair<>(null, currentMaskState);
        }

        @Override
        public String toString() {
            return "ReparamVertex(" + vertexName + ", latent=" + latentDim + ")";
        }
    }
}
