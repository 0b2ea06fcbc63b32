package dev.cryosphere.trainer.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime layer of {@link CryoSphereLossLayer}: DL4J M2.1's {@code SameDiffOutputLayer} with three changes.
 * <ol>
 *   <li>The clash pairs: before each evaluation of the loss it computes the predicted coordinates (the graph's
 *       {@link CryoSphereLossLayer#COORDS}, a small part of the graph) and feeds the candidate pair list of
 *       {@link CryoSphereLossLayer#sparseClash} as placeholders.</li>
 *   <li>One forward pass per step instead of two: {@code ComputationGraph.computeGradientAndScore} calls
 *       {@link #backpropGradient} (DL4J's version runs the whole forward pass again inside
 *       {@code calculateGradients}) and then {@link #computeScore} (another forward pass) on the same input, labels
 *       and parameters. Here the backward pass also returns the loss ({@code calculateGradientsAndOutputs}), and
 *       the score call that follows with the same input and label arrays uses it: the same number, computed once.
 *       The saved loss is used at most once and dropped by any other call.</li>
 *   <li>For large structures, SameDiff's intermediate arrays are recycled ({@link ReusingMemoryMgr}) instead of all
 *       staying in DL4J's working-memory workspace until the step ends ({@link #REUSE_FROM}).</li>
 * </ol>
 * Everything else (workspaces, placeholders, gradient copies) is DL4J's code.
 */
public class CryoSphereLossLayerImpl extends SameDiffOutputLayer {
    private INDArray scoredInput, scoredLabels;
    private double scoredLoss;
    /** Intermediate arrays of every SameDiff call of this layer, recycled ({@link ReusingMemoryMgr}). */
    private final ArrayCacheMemoryMgr cache = new ArrayCacheMemoryMgr();
    /**
     * Recycling ({@link ReusingMemoryMgr}) costs CPU time (measured: ~20 % per step at 503 residues, K = 4) and
     * saves memory where the step's arrays are large (1,006 residues, K = 20: peak RSS 7.3 → 4.4 GiB, same speed).
     * {@code -Dcryosphere.reuse=true|false} forces it; by default ({@code auto}) it is on from
     * {@value #REUSE_FROM} residues × segments.
     */
    static final int REUSE_FROM = 10_000;
    private Boolean reuse;

    private boolean reuse() {
        if (reuse == null) {
            String p = System.getProperty("cryosphere.reuse", "auto");
            int k = 0;
            for (int s : config().getPartSegments()) k += s;
            reuse = p.equals("auto") ? (long) config().getAmplitudes().length * k >= REUSE_FROM : Boolean.parseBoolean(p);
        }
        return reuse;
    }

    private SessionMemMgr memory(DL4JSameDiffMemoryMgr dl4j) {
        return reuse() ? new ReusingMemoryMgr(dl4j, cache) : dl4j;
    }

    public CryoSphereLossLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private CryoSphereLossLayer config() {
        return (CryoSphereLossLayer) layerConf();
    }

    /** Input and labels, plus the clash pairs of the current coordinates when the graph needs them. */
    private Map<String, INDArray> placeholders(boolean withLabels, boolean withPairs) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_KEY, input);
        if (withLabels && labels != null) ph.put(LABELS_KEY, labels);
        if (withPairs && config().needsClashPairs()) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                InferenceSession is = forwardSession();
                // out of DL4J's workspaces: with DL4J's manager every intermediate array of this pass (segmentation
                // weights, rotations, ... a few MB per step) waited off the Java heap for a garbage collection, which a
                // 1 GiB heap with little Java garbage runs rarely: RSS grew in steps of hundreds of MB (issue 20). The
                // array cache takes each one back when the pass no longer needs it and hands it out again next step.
                is.setMmgr(reuse() ? memory(new DL4JSameDiffMemoryMgr(null, null, null, null)) : cache);
                Map<String, INDArray> in = new HashMap<>();
                in.put(INPUT_KEY, input);
                INDArray coords = sameDiff.outputSingle(in, CryoSphereLossLayer.COORDS);
                ph.putAll(config().clashPairs(coords, dataType));
                if (coords.closeable()) coords.close();
            }
        }
        return ph;
    }

    private InferenceSession forwardSession() {
        InferenceSession is = sameDiff.getSessions().get(Thread.currentThread().getId());
        if (is == null) {
            is = SameDiff.getInferenceFactory().create(sameDiff);
            sameDiff.getSessions().put(Thread.currentThread().getId(), is);
        }
        return is;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        scoredInput = null;
        return forward(true, workspaceMgr);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        boolean saved = scoredInput != null && scoredInput == input && scoredLabels == labels;
        scoredInput = null;
        scoredLabels = null;
        double loss = saved ? scoredLoss : forward(false, workspaceMgr).getDouble(0);
        return (loss + fullNetRegTerm) / input.size(0);
    }

    /** DL4J's activateHelper, with the clash pairs among the placeholders. */
    private INDArray forward(boolean activations, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) doInit();
        }
        Map<String, INDArray> phMap = placeholders(!activations && layerConf().labelsRequired(), !activations);

        String wsNameWorking = workspaceMgr.getWorkspaceName(ArrayType.FF_WORKING_MEM);
        String wsNameOutput = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATIONS);
        WorkspaceConfiguration confWorking = workspaceMgr.getConfiguration(ArrayType.FF_WORKING_MEM);
        WorkspaceConfiguration confOutput = workspaceMgr.getConfiguration(ArrayType.ACTIVATIONS);
        boolean actScopedOut = workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS);
        Preconditions.checkState(actScopedOut || wsNameOutput != null, "Activations must have a workspace or must be scoped out");
        forwardSession().setMmgr(memory(new DL4JSameDiffMemoryMgr(wsNameWorking, wsNameOutput, confWorking, confOutput)));

        String s = activations ? layerConf().activationsVertexName() : outputVar.name();
        INDArray out = sameDiff.outputSingle(phMap, s);
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        closeClashPairs(phMap);
        if (!actScopedOut && !out.data().getParentWorkspace().getId().equals(wsNameOutput)) {
            out = workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
        } else if (actScopedOut && out.isAttached()) {
            out = out.detach();
        }
        return out;
    }

    /** DL4J's backpropGradient, with the clash pairs, and the loss kept for {@link #computeScore}. */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Preconditions.checkState(labels != null, "Cannot execute backprop: labels are not set");
        scoredInput = null;
        Gradient g = new DefaultGradient();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) doInit();
            if (sameDiff.getFunction("grad") == null) sameDiff.createGradFunction(INPUT_KEY);
        }
        Map<String, INDArray> phMap = placeholders(true, true);

        Map<Long, InferenceSession> sessionMap = sameDiff.getFunction("grad").getSessions();
        if (!sessionMap.containsKey(Thread.currentThread().getId())) {
            sessionMap.put(Thread.currentThread().getId(), SameDiff.getInferenceFactory().create(sameDiff.getFunction("grad")));
        }
        String wsNameWorking = workspaceMgr.getWorkspaceName(ArrayType.BP_WORKING_MEM);
        String wsNameActGrad = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATION_GRAD);
        WorkspaceConfiguration confWorking = workspaceMgr.getConfiguration(ArrayType.BP_WORKING_MEM);
        WorkspaceConfiguration confOutput = workspaceMgr.getConfiguration(ArrayType.ACTIVATION_GRAD);
        boolean actGradScopedOut = workspaceMgr.isScopedOut(ArrayType.ACTIVATION_GRAD);
        Preconditions.checkState(actGradScopedOut || wsNameActGrad != null, "Activation gradients must have a workspace or be scoped out");
        sessionMap.get(Thread.currentThread().getId()).setMmgr(
                memory(new DL4JSameDiffMemoryMgr(wsNameWorking, wsNameActGrad, confWorking, confOutput)));

        List<String> gradVarNames = new ArrayList<>(paramTable.keySet());
        gradVarNames.add(INPUT_KEY);
        Map<String, INDArray> grads;
        double loss;
        if (reuse()) {
            // SameDiff.calculateGradientsAndOutputs with the gradient function's release of dead arrays switched on
            // (M2.1 switches it off there, so nothing would ever return to the memory manager)
            SameDiff gradFn = sameDiff.getFunction("grad");
            List<String> outs = new ArrayList<>();
            outs.add(outputVar.name());
            for (String v : gradVarNames) outs.add(sameDiff.getVariable(v).getGradient().name());
            gradFn.setEnableCache(true);
            String profile = System.getProperty("cryosphere.sdprofile");
            if (profile != null && gradFn.getListeners().isEmpty()) {
                // diagnostics: a Chrome-trace JSON of every op of the forward and backward passes
                gradFn.setListeners(new org.nd4j.autodiff.listeners.profiler.ProfilingListener.Builder(new java.io.File(profile))
                        .recordAll().warmup(0).operations(org.nd4j.autodiff.listeners.Operation.values()).build());
            }
            Map<String, INDArray> res = gradFn.output(phMap, outs);
            grads = new HashMap<>();
            for (String v : gradVarNames) grads.put(v, res.get(sameDiff.getVariable(v).getGradient().name()));
            loss = res.get(outputVar.name()).getDouble(0);
        } else {
            OutAndGrad og = sameDiff.calculateGradientsAndOutputs(phMap, List.of(outputVar.name()), gradVarNames);
            grads = og.getGradients();
            loss = og.getOutputs().get(outputVar.name()).getDouble(0);
        }
        for (String s : paramTable.keySet()) {
            INDArray sdGrad = grads.get(s);
            INDArray dl4jGrad = gradTable.get(s);
            dl4jGrad.assign(sdGrad);
            g.gradientForVariable().put(s, dl4jGrad);
            if (sdGrad.closeable()) sdGrad.close();
        }
        INDArray dLdIn = grads.get(INPUT_KEY);
        scoredLoss = loss;
        scoredInput = input;
        scoredLabels = labels;

        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        closeClashPairs(phMap);
        if (!actGradScopedOut && !dLdIn.data().getParentWorkspace().getId().equals(wsNameActGrad)) {
            dLdIn = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn);
        } else if (actGradScopedOut && dLdIn.isAttached()) {
            dLdIn = dLdIn.detach();
        }
        return new Pair<>(g, dLdIn);
    }

    /** The clash pair placeholders are made per call and read by nothing after it: freed now, not at a collection. */
    private static void closeClashPairs(Map<String, INDArray> phMap) {
        for (String k : new String[]{CryoSphereLossLayer.CLASH_PAIRS, CryoSphereLossLayer.CLASH_PAD}) {
            INDArray a = phMap.get(k);
            if (a != null && a.closeable() && !a.wasClosed()) a.close();
        }
    }
}
