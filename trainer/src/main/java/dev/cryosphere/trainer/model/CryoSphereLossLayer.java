package dev.cryosphere.trainer.model;

import dev.cryosphere.core.geometry.ImageGrid;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The physics and the loss of cryoSPHERE in one SameDiff output layer: segmentation GMM, rigid deformation,
 * pose, Gaussian rendering, CTF, normalisation, and the loss. Input: the merged row of {@link InputLayout};
 * labels: the observed (normalised) image, N² row-major [y][x]; activations: the predicted image ("pred").
 *
 * <p>Why one output layer: SameDiffOutputLayer differentiates its own loss, so it is free of the 2× gradient
 * bug of SameDiffVertex/SameDiffLayer and of the workspace crash of SameDiffGraphVertex (java-stack.md
 * pitfalls 1, 2). The GMM variational parameters are this layer's six trainable parameters (names without '_',
 * pitfall 3), so they get this layer's updater (Adam at the segmentation learning rate).
 *
 * <p>Loss per image b, summed over the batch (DL4J divides by B, pitfall 4), P = N²:
 * <pre>
 *   corr_b + β_lat KL_lat,b / P + (β_m KL_m + β_s KL_s + β_p KL_p) / P + β_cont Cont_b + β_clash Clash_b
 * </pre>
 * <ul>
 *   <li>corr_b = −Σ_p x·y / ((std x + 1e-5)(std y + 1e-5)) / P, the reference's form (uncentred numerator,
 *       bias-corrected stds, x prediction, y observation); the variance gets +1e-12 under the root so an
 *       all-zero prediction has a finite gradient.</li>
 *   <li>KL_lat,b = −½ Σ_d (1 + log(s_d² + ε) − μ_d² − s_d²), s = {@link StdTransform} of the encoder's second half.</li>
 *   <li>KL of each GMM parameter pair (q mean, q std) against its prior: Σ_k −½ + log(p_std/|q_std| + ε)
 *       + (q_std² + (p_mean − q_mean)²)/(2 p_std²). The reference leaves q_std unconstrained and takes log(p/q);
 *       the sample m + q_std·ε does not depend on the sign of q_std, so |q_std| is the same model without the NaN
 *       of a negative std. A batch-level term, added to every image so the batch sum carries it B times.</li>
 *   <li>Cont_b = mean over consecutive pairs of (d_pred − d_base)².</li>
 *   <li>Clash_b = Σ_{i+2 ≤ j} relu(cutoff − d_ij)² / max(#{d_ij &lt; cutoff}, 1): the reference's full clash loss
 *       with the 0/0 of a structure without clashes made 0.</li>
 * </ul>
 * The six β are per-row input columns (schedules change each epoch). The L2 penalty on the networks' weights is
 * DL4J's regularisation on the dense layers, not part of this layer.
 *
 * <p>Rendering: one Gaussian per residue, A_r·exp(−d²/(2σ²)) at pixel centres (x_i = (i − N/2)·apix), separably
 * as gy^T gx by a batched matmul; the amplitude enters the exponent as + log A_r so its broadcast is an add,
 * whose backward is a cheap reduction (java-stack.md 6b). CTF: ND4J has no FFT, so the DFT is a matrix
 * product with C[k,n] = cos(2πkn/N), S[k,n] = sin(2πkn/N) on the unshifted layout, as {@code Ctf.filter}.
 */
public class CryoSphereLossLayer extends SameDiffOutputLayer {
    static final String[] PARAMS = {"meansMeans", "meansStds", "stdsMeans", "stdsStds", "propMeans", "propStds"};
    /** Under the square root of |v|² so the axis v/|v| of a zero rotation is 0, not NaN. */
    private static final double AXIS_EPS = 1e-12;
    /** Under the square roots of distances and variances so their gradients stay finite at 0. */
    private static final double SQRT_EPS = 1e-12;
    private static final double CORR_EPS = 1e-5;

    private int box;
    private double apix;
    private double sigma;
    private double fStd;
    private int latentDim;
    private double tau;
    private double stdFloor;
    private double epsilonKl;
    private double clashCutoff;
    private boolean clashLoss = true;
    private boolean fullClash = true;
    /** Upper base distance of the light clash loss's pair list, Å (reference: max_clashing_cutoff_pairs). */
    private double lightClashMaxPairDistance = 10.0;
    private double[] baseXyz;
    private double[] amplitudes;
    private int[] pairFirst;
    private int[] pairSecond;
    private int[] partFirst;
    private int[] partCount;
    private int[] partSegments;
    private int[] partIndexStart;
    /** Start values and prior, 6K each, in {@link #PARAMS} order. */
    private double[] start;
    private double[] prior;
    /**
     * Per segment, residues per unit of the stored GMM means/stds parameters ({@link ModelConfig#gmmScales()}); null
     * (layers saved before it existed) = 1. The parameters hold residues / scale; the graph multiplies back.
     */
    private double[] gmmScale;
    /** τ comes from the input (annealed) rather than {@link #tau}; false for layers saved before annealing existed. */
    private boolean tauColumn;
    /** Segment weights with −log s_k ({@link ModelConfig#normalisedPosterior()}); false for layers saved before it. */
    private boolean normalisedPosterior;

    /** For JSON. */
    public CryoSphereLossLayer() {}

    public CryoSphereLossLayer(ModelConfig c, BaseStructure s, IUpdater segmentationUpdater) {
        this.box = c.box();
        this.apix = c.apix();
        this.sigma = c.sigma();
        this.fStd = c.fStd();
        this.latentDim = c.latentDim();
        this.tau = c.tau();
        this.stdFloor = c.stdFloor();
        this.normalisedPosterior = c.normalisedPosterior();
        this.epsilonKl = c.epsilonKl();
        this.clashCutoff = c.clashCutoff();
        this.fullClash = c.fullClash();
        this.baseXyz = s.xyz().clone();
        this.amplitudes = s.amplitudes().clone();
        this.pairFirst = s.pairFirst().clone();
        this.pairSecond = s.pairSecond().clone();
        int np = c.parts().size();
        partFirst = new int[np];
        partCount = new int[np];
        partSegments = new int[np];
        partIndexStart = new int[np];
        for (int i = 0; i < np; i++) {
            ModelConfig.Part p = c.parts().get(i);
            if (p.first() + p.count() > s.residues())
                throw new IllegalArgumentException("part " + i + " ends at residue " + (p.first() + p.count()) + " of " + s.residues());
            partFirst[i] = p.first();
            partCount[i] = p.count();
            partSegments[i] = p.segments();
            partIndexStart[i] = p.indexStart();
        }
        this.start = flatten(c.startValues());
        this.prior = flatten(c.priorValues());
        this.gmmScale = c.gmmScales();
        this.tauColumn = c.annealsTau();
        this.updater = segmentationUpdater;
        this.biasUpdater = segmentationUpdater;
    }

    private static double[] flatten(ModelConfig.GmmValues v) {
        int k = v.size();
        double[] out = new double[6 * k];
        double[][] all = {v.meansMeans(), v.meansStds(), v.stdsMeans(), v.stdsStds(), v.proportionsMeans(), v.proportionsStds()};
        for (int i = 0; i < 6; i++) System.arraycopy(all[i], 0, out, i * k, k);
        return out;
    }

    /** Turns the clash term off (it is O(B·R²); the continuity term stays). */
    public CryoSphereLossLayer withoutClash() {
        clashLoss = false;
        return this;
    }

    private int segments() {
        int k = 0;
        for (int s : partSegments) k += s;
        return k;
    }

    private int residues() {
        return amplitudes.length;
    }

    // ---------------------------------------------------------------- DL4J plumbing

    @Override
    public void defineParameters(SDLayerParams params) {
        int k = segments();
        for (String p : PARAMS) params.addWeightParam(p, 1, k);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        int k = segments();
        for (int i = 0; i < PARAMS.length; i++) {
            double[] v = new double[k];
            System.arraycopy(start, i * k, v, 0, k);
            if (scaled(i)) {
                double[] scale = gmmScaleOrOnes();
                for (int j = 0; j < k; j++) v[j] /= scale[j];
            }
            INDArray target = params.get(PARAMS[i]);
            target.assign(Nd4j.create(v, new long[]{1, k}, target.dataType()));
        }
    }

    /** The runtime layer: DL4J's, feeding the clash pairs and computing the forward pass once per step. */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(org.deeplearning4j.nn.conf.NeuralNetConfiguration conf,
                                                       java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        CryoSphereLossLayerImpl layer = new CryoSphereLossLayerImpl(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward((long) box * box);
    }

    @Override
    public String activationsVertexName() {
        return "pred";
    }

    // ---------------------------------------------------------------- the graph

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, SDVariable labels, Map<String, SDVariable> p) {
        DataType dt = in.dataType();
        int k = segments(), n = box, px = n * n, r = residues();
        InputLayout layout = new InputLayout(px, k, latentDim, tauColumn);

        SDVariable dec = cols(sd, in, 0, layout.decoderWidth());
        SDVariable enc = cols(sd, in, layout.decoderWidth(), layout.condOffset());
        int o = layout.poseOffset();
        SDVariable ctf = cols(sd, in, layout.ctfOffset(), layout.ctfOffset() + px);
        int no = layout.noiseOffset(), bo = layout.betaOffset();
        // τ: a constant, or this step's value from the input when the configuration anneals it ([B,1,1])
        SDVariable tauNow = layout.hasTauColumn() ? sd.reshape(cols(sd, in, layout.tauOffset(), layout.tauOffset() + 1), -1, 1, 1) : null;
        SDVariable ones = sd.onesLike(cols(sd, in, 0, 1));                      // [B,1]

        // --- segmentation sample: one per image (means and stds in residues: the parameters times gmmScale)
        SDVariable scale = constant(sd, gmmScaleOrOnes(), dt, 1, k);
        SDVariable mm = p.get("meansMeans").mul(scale), ms = p.get("meansStds").mul(scale);
        SDVariable sm = p.get("stdsMeans").mul(scale), ss = p.get("stdsStds").mul(scale);
        SDVariable m = mm.add(ms.mul(cols(sd, in, no, no + k)));
        SDVariable s = StdTransform.apply(sd, sm.add(ss.mul(cols(sd, in, no + k, no + 2 * k))), stdFloor);
        SDVariable logits = p.get("propMeans").add(p.get("propStds").mul(cols(sd, in, no + 2 * k, no + 3 * k)));

        // --- decoder output per segment: translation t_k, quaternion vector part v_k -> angle 2 atan|v|, axis v/|v|
        SDVariable dec3 = sd.reshape(dec, -1, k, 6);
        SDVariable v = range(sd, dec3, 2, 3, 6);                                  // [B,K,3]
        SDVariable vn = sd.math().sqrt(v.mul(v).sum(true, 2).add(AXIS_EPS));     // [B,K,1]
        SDVariable theta = sd.reshape(sd.math().atan(vn).mul(2.0), -1, k);       // [B,K]
        SDVariable axis = v.div(vn);
        SDVariable[] ax = {pick(sd, axis, 2, 0), pick(sd, axis, 2, 1), pick(sd, axis, 2, 2)};  // [B,K] each

        // --- deform each part; residues outside every part keep their base position
        List<SDVariable[]> pieces = new ArrayList<>();
        int next = 0, g0 = 0;
        for (int pi = 0; pi < partFirst.length; pi++) {
            int first = partFirst[pi], count = partCount[pi], kp = partSegments[pi];
            if (first > next) pieces.add(fixed(sd, ones, next, first, dt));
            SDVariable mp = sd.reshape(cols(sd, m, g0, g0 + kp), -1, 1, kp);
            SDVariable sp = sd.reshape(cols(sd, s, g0, g0 + kp), -1, 1, kp);
            double[] idx = new double[count];
            for (int j = 0; j < count; j++) idx[j] = partIndexStart[pi] + j;
            SDVariable rIdx = constant(sd, idx, dt, 1, count, 1);
            SDVariable z = rIdx.sub(mp).div(sp);
            SDVariable w;                                                            // [B,Rp,Kp]
            if (kp == 1) {
                w = sd.onesLike(z);
            } else {
                SDVariable logPi = sd.reshape(logSoftmax(sd, cols(sd, logits, g0, g0 + kp), 1), -1, 1, kp);
                SDVariable logits0 = z.mul(z).mul(-0.5).add(logPi);
                if (normalisedPosterior) logits0 = logits0.sub(sd.math().log(sp));
                w = softmax(sd, tauNow != null ? logits0.div(tauNow) : logits0.div(tau), 2);
            }

            SDVariable[] x = new SDVariable[3];
            for (int c = 0; c < 3; c++) x[c] = constant(sd, coords(c, first, count), dt, 1, count);
            for (int j = 0; j < kp; j++) {
                int g = g0 + j;
                SDVariable phi = pick(sd, w, 2, j).mul(cols(sd, theta, g, g + 1));    // [B,Rp]
                SDVariable cos = sd.math().cos(phi), sin = sd.math().sin(phi), omc = cos.rsub(1.0);
                SDVariable a0 = cols(sd, ax[0], g, g + 1), a1 = cols(sd, ax[1], g, g + 1), a2 = cols(sd, ax[2], g, g + 1);
                SDVariable dot = x[0].mul(a0).add(x[1].mul(a1)).add(x[2].mul(a2)).mul(omc);
                SDVariable c0 = a1.mul(x[2]).sub(a2.mul(x[1]));
                SDVariable c1 = a2.mul(x[0]).sub(a0.mul(x[2]));
                SDVariable c2 = a0.mul(x[1]).sub(a1.mul(x[0]));
                SDVariable n0 = x[0].mul(cos).add(c0.mul(sin)).add(a0.mul(dot));
                SDVariable n1 = x[1].mul(cos).add(c1.mul(sin)).add(a1.mul(dot));
                SDVariable n2 = x[2].mul(cos).add(c2.mul(sin)).add(a2.mul(dot));
                x = new SDVariable[]{n0, n1, n2};
            }
            SDVariable t = range(sd, range(sd, dec3, 1, g0, g0 + kp), 2, 0, 3);     // [B,Kp,3]
            SDVariable shift = sd.mmul(w, t);                                        // [B,Rp,3]
            for (int c = 0; c < 3; c++) x[c] = x[c].add(pick(sd, shift, 2, c));
            pieces.add(x);
            next = first + count;
            g0 += kp;
        }
        if (next < r) pieces.add(fixed(sd, ones, next, r, dt));
        SDVariable[] xyz = new SDVariable[3];
        for (int c = 0; c < 3; c++) {
            if (pieces.size() == 1) {
                xyz[c] = pieces.get(0)[c];
            } else {
                SDVariable[] parts = new SDVariable[pieces.size()];
                for (int i = 0; i < parts.length; i++) parts[i] = pieces.get(i)[c];
                xyz[c] = sd.concat(1, parts);
            }
        }

        // --- pose x' = R x, then the shift: particle centre at image centre - origin
        SDVariable[] rot = new SDVariable[9];
        for (int i = 0; i < 9; i++) rot[i] = cols(sd, in, o + i, o + i + 1);
        SDVariable xp = rot[0].mul(xyz[0]).add(rot[1].mul(xyz[1])).add(rot[2].mul(xyz[2])).sub(cols(sd, in, o + 9, o + 10));
        SDVariable yp = rot[3].mul(xyz[0]).add(rot[4].mul(xyz[1])).add(rot[5].mul(xyz[2])).sub(cols(sd, in, o + 10, o + 11));

        // --- separable Gaussians: image[b,y,x] = Σ_r gy[b,r,y] gx[b,r,x]
        SDVariable grid = constant(sd, ImageGrid.axis(n, apix), dt, 1, 1, n);
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        SDVariable dx = sd.reshape(xp, -1, r, 1).sub(grid);
        SDVariable dy = sd.reshape(yp, -1, r, 1).sub(grid);
        double[] logA = new double[r];
        for (int i = 0; i < r; i++) logA[i] = Math.log(Math.max(amplitudes[i], 1e-30));
        SDVariable gx = sd.math().exp(dx.mul(dx).mul(-inv2s2));
        SDVariable gy = sd.math().exp(dy.mul(dy).mul(-inv2s2).add(constant(sd, logA, dt, 1, r, 1)));
        SDVariable image = sd.mmul(gy, gx, true, false, false);                   // [B,N,N]

        // --- CTF by DFT-as-matmul on the unshifted layout
        SDVariable filtered = applyCtf(sd, image, sd.reshape(ctf, -1, n, n), n, dt);
        SDVariable pred = sd.reshape("pred", filtered.div((double) px * fStd), -1, px);

        // --- loss
        SDVariable corr = correlation(sd, pred, labels, px);                      // [B,1]
        SDVariable mu = cols(sd, enc, 0, latentDim);
        SDVariable ls = StdTransform.apply(sd, cols(sd, enc, latentDim, 2 * latentDim), stdFloor);
        SDVariable ls2 = ls.mul(ls);
        SDVariable klLat = sd.math().log(ls2.add(epsilonKl)).add(1.0).sub(mu.mul(mu)).sub(ls2).sum(true, 1).mul(-0.5);
        SDVariable klM = klGaussian(sd, mm, ms, 0, k, dt);
        SDVariable klS = klGaussian(sd, sm, ss, 2, k, dt);
        SDVariable klP = klGaussian(sd, p.get("propMeans"), p.get("propStds"), 4, k, dt);

        SDVariable total = corr
                .add(beta(sd, in, bo, InputLayout.BETA_KL_LATENT).mul(klLat).div(px))
                .add(beta(sd, in, bo, InputLayout.BETA_KL_MEANS).mul(klM).div(px))
                .add(beta(sd, in, bo, InputLayout.BETA_KL_STDS).mul(klS).div(px))
                .add(beta(sd, in, bo, InputLayout.BETA_KL_PROPORTIONS).mul(klP).div(px));
        if (needsClashPairs()) sd.stack(COORDS, 1, xyz[0], xyz[1], xyz[2]);            // [B,3,R], read by the layer
        if (pairFirst.length > 0) {
            total = total.add(beta(sd, in, bo, InputLayout.BETA_CONTINUITY).mul(continuity(sd, xyz, dt)));
        }
        if (clashLoss && r > 2) {
            SDVariable clashTerm = fullClash ? sparseClash(sd, xyz, dt) : lightClash(sd, xyz, dt);
            if (clashTerm != null) total = total.add(beta(sd, in, bo, InputLayout.BETA_CLASH).mul(clashTerm));
        }
        SDVariable loss = total.sum("loss");
        // DL4J does not mark the loss; SameDiff's guess fails when the graph has other terminal variables
        sd.setLossVariables(loss);
        return loss;
    }

    /** I' = Re IDFT(H · DFT(I)) = (C A C − S A S − S B C − C B S)/N², A + iB = H·(C I C − S I S − i(S I C + C I S)). */
    private static SDVariable applyCtf(SameDiff sd, SDVariable image, SDVariable h, int n, DataType dt) {
        double[] cos = new double[n * n], sin = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double ang = 2 * Math.PI * ((long) a * b % n) / n;
                cos[a * n + b] = Math.cos(ang);
                sin[a * n + b] = Math.sin(ang);
            }
        }
        SDVariable c = constant(sd, cos, dt, n, n), s = constant(sd, sin, dt, n, n);
        SDVariable uc = leftT(sd, image, c), us = leftT(sd, image, s);          // (C I)^T, (S I)^T
        SDVariable re = leftT(sd, uc, c).sub(leftT(sd, us, s));                 // C I C − S I S
        SDVariable im = leftT(sd, us, c).add(leftT(sd, uc, s)).neg();           // −(S I C + C I S)
        SDVariable a = re.mul(h), b = im.mul(h);
        SDVariable ac = leftT(sd, a, c), as = leftT(sd, a, s), bc = leftT(sd, b, c), bs = leftT(sd, b, s);
        // C A C − S A S − S B C − C B S = L(L(A,C),C) − L(L(A,S),S) − L(L(B,S),C) − L(L(B,C),S)
        return leftT(sd, ac, c).sub(leftT(sd, as, s)).sub(leftT(sd, bs, c)).sub(leftT(sd, bc, s));
    }

    /**
     * (M X)^T = X^T M per image for a symmetric constant M, as one [B·N, N] × [N, N] matmul. Applying it twice gives
     * M X M' without a transpose back. (tensorMmul would say this directly, but its backward fails in M2.1:
     * "the numbers of a axes and b axes to make dot product along must have identical values".)
     */
    private static SDVariable leftT(SameDiff sd, SDVariable x, SDVariable m) {
        long n = m.getShape()[0];
        SDVariable xt = sd.reshape(sd.permute(x, 0, 2, 1), -1, n);
        return sd.reshape(sd.mmul(xt, m), -1, n, n);
    }

    private SDVariable correlation(SameDiff sd, SDVariable x, SDVariable y, int px) {
        SDVariable sx = sd.math().sqrt(sd.variance(x, true, true, 1).add(SQRT_EPS)).add(CORR_EPS);
        SDVariable sy = sd.math().sqrt(sd.variance(y, true, true, 1).add(SQRT_EPS)).add(CORR_EPS);
        return x.mul(y).sum(true, 1).div(sx.mul(sy)).div(-(double) px);
    }

    /** KL(q || prior) summed over segments, for one (mean, std) parameter pair; [1,1]. */
    private SDVariable klGaussian(SameDiff sd, SDVariable qMean, SDVariable qStd, int which, int k, DataType dt) {
        double[] pm = new double[k], ps = new double[k];
        System.arraycopy(prior, which * k, pm, 0, k);
        System.arraycopy(prior, (which + 1) * k, ps, 0, k);
        double[] inv2var = new double[k];
        for (int i = 0; i < k; i++) inv2var[i] = 1.0 / (2 * ps[i] * ps[i]);
        SDVariable pMean = constant(sd, pm, dt, 1, k), pStd = constant(sd, ps, dt, 1, k);
        SDVariable diff = pMean.sub(qMean);
        SDVariable term = sd.math().log(pStd.div(sd.math().abs(qStd)).add(epsilonKl))
                .add(qStd.mul(qStd).add(diff.mul(diff)).mul(constant(sd, inv2var, dt, 1, k)))
                .sub(0.5);
        return k == 1 ? term : term.sum(true, 1);
    }

    /** Continuity loss per image [B,1] of coordinates x, y, z [B,R]. */
    SDVariable continuity(SameDiff sd, SDVariable[] xyz, DataType dt) {
        int np = pairFirst.length;
        double[] d0 = new double[np];
        // bond vectors as x · D with D[second, i] = 1, D[first, i] = −1: gather's gradient is broken in M2.1
        // (two gathers in one graph: "Variable name transposeConcat already exists"), a matmul is not
        int r = residues();
        double[] dm = new double[r * np];
        for (int i = 0; i < np; i++) {
            dm[pairSecond[i] * np + i] += 1;
            dm[pairFirst[i] * np + i] -= 1;
        }
        SDVariable diffMatrix = constant(sd, dm, dt, r, np);
        SDVariable d2 = null;
        for (int c = 0; c < 3; c++) {
            SDVariable diff = sd.mmul(xyz[c], diffMatrix);
            d2 = d2 == null ? diff.mul(diff) : d2.add(diff.mul(diff));
        }
        for (int i = 0; i < np; i++) {
            double s = 0;
            for (int c = 0; c < 3; c++) {
                double d = baseXyz[3 * pairSecond[i] + c] - baseXyz[3 * pairFirst[i] + c];
                s += d * d;
            }
            d0[i] = Math.sqrt(s);
        }
        SDVariable err = sd.math().sqrt(d2.add(SQRT_EPS)).sub(constant(sd, d0, dt, 1, np));
        return np == 1 ? err.mul(err) : err.mul(err).mean(true, 1);
    }

    /** Added to d² of the excluded pairs (j &lt; i + 2) in {@link #clash}: their distance is then ≥ 100 Å &gt; cutoff. */
    private static final double EXCLUDED_D2 = 1e4;

    /**
     * Full clash loss per image [B,1] of coordinates x, y, z [B,R]: the same numbers as {@link #clashDefinition},
     * computed without broadcast ops (java-stack.md 6b: their backward dominated the step). The pair differences
     * x_i − x_j come from a batched matmul [x | 1]·[1 | −x]^T (K = 2: x_i·1 + 1·(−x_j) is one rounding, as the
     * subtraction); the pair mask becomes a constant added to d² of the excluded pairs, which puts them beyond the
     * cutoff, so their gap is exactly 0 and they are not counted (a broadcast add's backward passes the gradient
     * through; a broadcast multiply's also reduces over the batch).
     */
    SDVariable clash(SameDiff sd, SDVariable[] xyz, DataType dt) {
        int r = residues();
        SDVariable d2 = null;
        SDVariable onesR = sd.onesLike(sd.reshape(xyz[0], -1, r, 1));                  // [B,R,1]
        for (int c = 0; c < 3; c++) {
            SDVariable col = sd.reshape(xyz[c], -1, r, 1);
            SDVariable left = sd.concat(2, col, onesR);                               // [B,R,2] = [x | 1]
            SDVariable right = sd.concat(2, onesR, col.neg());                        // [B,R,2] = [1 | −x]
            SDVariable diff = sd.mmul(left, right, false, true, false);               // [B,R,R]
            d2 = d2 == null ? diff.mul(diff) : d2.add(diff.mul(diff));
        }
        double[] excluded = new double[r * r];
        for (int i = 0; i < r; i++) for (int j = 0; j < Math.min(r, i + 2); j++) excluded[i * r + j] = EXCLUDED_D2;
        SDVariable d = sd.math().sqrt(d2.add(constant(sd, excluded, dt, 1, r, r)).add(SQRT_EPS));
        SDVariable gap = sd.nn().relu(d.rsub(clashCutoff), 0.0);
        SDVariable sum = gap.mul(gap).sum(true, 1, 2);
        SDVariable count = sd.lt(d, sd.constant(Nd4j.scalar(dt, clashCutoff))).castTo(dt).sum(true, 1, 2);
        SDVariable safeCount = sd.math().max(count, sd.onesLike(count));
        return sd.reshape(sum.div(safeCount), -1, 1);
    }

    /** Name of the predicted coordinates [B,3,R] in the graph (read by {@link CryoSphereLossLayerImpl}). */
    public static final String COORDS = "coords";
    /** Placeholders of {@link #sparseClash}: the pair difference matrix [R,P] and the per-pair d² offset [1,P]. */
    public static final String CLASH_PAIRS = "clashPairs", CLASH_PAD = "clashPad";
    /** Candidate pairs are those closer than cutoff + this margin (Å): float rounding of d is far below it. */
    static final double CANDIDATE_MARGIN = 0.05;

    /** Whether the graph has the placeholders of {@link #sparseClash} (the full clash loss is on). */
    public boolean needsClashPairs() {
        return clashLoss && fullClash && residues() > 2;
    }

    /**
     * The full clash loss per image [B,1], the same numbers as {@link #clash} and {@link #clashDefinition}, evaluated
     * only over a candidate list of pairs fed per batch ({@link #clashPairs}: the pairs i + 2 &le; j that are closer
     * than cutoff + {@value #CANDIDATE_MARGIN} Å in at least one image of the batch, from the very coordinates this
     * graph computes). Why that is exact: a pair at d &ge; cutoff adds relu(cutoff − d)² = 0 to the sum and is not
     * counted (d &lt; cutoff is false), in value and in gradient (relu's derivative is 0 there), so dropping it changes
     * nothing; every pair that can be below the cutoff is in the list, since the margin is far larger than any float
     * rounding of d. The per-pair formula is the dense one's (differences, squares, + ε under the root), so only the
     * summation order differs. Cost O(B·P) for P candidates instead of O(B·R²): at 1,006 residues the dense [B,R,R]
     * tensors are 0.5 GB each.
     *
     * <p>The pair differences are x · D with D [R,P] fed per batch, column p = e_j − e_i: each entry of the product
     * is x_j·1 + x_i·(−1) plus exact zeros, so the difference is rounded once, as in {@link #clash}. (A gather would
     * be cheaper, but ND4J M2.1's gather backward fails here: "cannot get size of dimension 1 for rank 1 NDArray",
     * and a second gather in one graph: "Variable name transposeConcat already exists"; an op subclass with its own
     * gradient does not survive SameDiff's copy of the graph for the gradient function.) The list is padded to at
     * least 2 pairs (M2.1's reductions over a length-1 axis fail) with filler pairs whose d² gets
     * {@link #EXCLUDED_D2} added ({@code clashPad}), which puts them beyond the cutoff, as the excluded pairs of
     * {@link #clash}.
     */
    SDVariable sparseClash(SameDiff sd, SDVariable[] xyz, DataType dt) {
        SDVariable pairs = sd.placeHolder(CLASH_PAIRS, dt, residues(), -1);              // [R,P]
        SDVariable pad = sd.placeHolder(CLASH_PAD, dt, 1, -1);                            // [1,P]
        SDVariable d2 = null;
        for (int c = 0; c < 3; c++) {
            SDVariable diff = sd.mmul(xyz[c], pairs);                                      // [B,P]
            d2 = d2 == null ? diff.mul(diff) : d2.add(diff.mul(diff));
        }
        SDVariable d = sd.math().sqrt(d2.add(pad).add(SQRT_EPS));
        SDVariable gap = sd.nn().relu(d.rsub(clashCutoff), 0.0);
        SDVariable sum = gap.mul(gap).sum(true, 1);
        SDVariable count = sd.lt(d, sd.constant(Nd4j.scalar(dt, clashCutoff))).castTo(dt).sum(true, 1);
        return sum.div(sd.math().max(count, sd.onesLike(count)));
    }

    /**
     * The placeholders of {@link #sparseClash} for predicted coordinates [B,3,R] (the graph's {@link #COORDS}):
     * the union over the batch of the pairs i + 2 &le; j closer than cutoff + {@value #CANDIDATE_MARGIN} Å, found
     * per image by a sweep along x (O(R·w) for w residues in an x-slab of that width), in ascending (i, j) order.
     */
    public Map<String, INDArray> clashPairs(INDArray coords, DataType dt) {
        long[] shape = coords.shape();
        int batch = (int) shape[0], r = (int) shape[2];
        INDArray copy = coords.dup('c');        // a fresh c-order buffer: its data are the coordinates in that order
        double[] c = copy.data().asDouble();
        copy.close();                           // freed now, not at the next garbage collection (issue 20)
        double reach = clashCutoff + CANDIDATE_MARGIN, reach2 = reach * reach;
        java.util.BitSet pairs = new java.util.BitSet(r * r);
        long[] order = new long[r];
        for (int b = 0; b < batch; b++) {
            int x0 = 3 * b * r, y0 = x0 + r, z0 = y0 + r;
            for (int i = 0; i < r; i++) {
                float x = (float) c[x0 + i];
                int bits = Float.floatToIntBits(x);
                order[i] = ((long) (bits ^ ((bits >> 31) & 0x7fffffff)) << 32) | i;     // sorts as the float x
            }
            java.util.Arrays.sort(order);
            for (int a = 0; a < r; a++) {
                int i = (int) order[a];
                for (int e = a + 1; e < r; e++) {
                    int j = (int) order[e];
                    double dx = c[x0 + j] - c[x0 + i];
                    if (!(dx < reach)) break;
                    if (Math.abs(i - j) < 2) continue;
                    double dy = c[y0 + j] - c[y0 + i], dz = c[z0 + j] - c[z0 + i];
                    if (dx * dx + dy * dy + dz * dz < reach2) pairs.set(Math.min(i, j) * r + Math.max(i, j));
                }
            }
        }
        int np = Math.max(2, pairs.cardinality());
        double[] d = new double[r * np];
        double[] pad = new double[np];
        int p = 0;
        for (int key = pairs.nextSetBit(0); key >= 0; key = pairs.nextSetBit(key + 1), p++) {
            d[(key / r) * np + p] = -1;
            d[(key % r) * np + p] = 1;
        }
        for (; p < np; p++) {               // filler: residues 0 and 2, pushed beyond the cutoff
            d[p] = -1;
            d[2 * np + p] = 1;
            pad[p] = EXCLUDED_D2;
        }
        return Map.of(CLASH_PAIRS, placeholder(d, new long[]{r, np}, dt), CLASH_PAD, placeholder(pad, new long[]{1, np}, dt));
    }

    /** values as an array of type dt, rounded once (as castTo does); the double copy freed at once. */
    private static INDArray placeholder(double[] values, long[] shape, DataType dt) {
        INDArray d = Nd4j.create(values, shape, DataType.DOUBLE);
        if (dt == DataType.DOUBLE) return d;
        INDArray out = d.castTo(dt);
        d.close();
        return out;
    }

    /** The full clash loss as defined (broadcast differences, multiplicative pair mask); the reference for tests. */
    SDVariable clashDefinition(SameDiff sd, SDVariable[] xyz, DataType dt) {
        int r = residues();
        SDVariable d2 = null;
        for (int c = 0; c < 3; c++) {
            SDVariable diff = sd.reshape(xyz[c], -1, r, 1).sub(sd.reshape(xyz[c], -1, 1, r));
            d2 = d2 == null ? diff.mul(diff) : d2.add(diff.mul(diff));
        }
        double[] mask = new double[r * r];
        for (int i = 0; i < r; i++) for (int j = i + 2; j < r; j++) mask[i * r + j] = 1;
        SDVariable maskV = constant(sd, mask, dt, 1, r, r);
        SDVariable d = sd.math().sqrt(d2.add(SQRT_EPS));
        SDVariable gap = sd.nn().relu(d.rsub(clashCutoff), 0.0);
        SDVariable sum = gap.mul(gap).mul(maskV).sum(true, 1, 2);
        SDVariable count = sd.lt(d, sd.constant(Nd4j.scalar(dt, clashCutoff))).castTo(dt).mul(maskV).sum(true, 1, 2);
        SDVariable safeCount = sd.math().max(count, sd.onesLike(count));
        return sd.reshape(sum.div(safeCount), -1, 1);
    }

    /**
     * The reference's light clash loss: only the pairs whose base distance is in [cutoff, 10 Å] and that are not
     * sequence neighbours, Σ relu(cutoff − d)² / max(#{d &lt; cutoff}, 1) per image. O(B·pairs) instead of
     * O(B·R²); null when the base structure has no such pair. Distances via x · D with a ±1 pair matrix, as in
     * {@link #continuity}.
     */
    SDVariable lightClash(SameDiff sd, SDVariable[] xyz, DataType dt) {
        int r = residues();
        java.util.Set<Long> bonded = new java.util.HashSet<>();
        for (int i = 0; i < pairFirst.length; i++) {
            bonded.add((long) Math.min(pairFirst[i], pairSecond[i]) * r + Math.max(pairFirst[i], pairSecond[i]));
        }
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            for (int j = i + 1; j < r; j++) {
                double d2 = 0;
                for (int c = 0; c < 3; c++) {
                    double d = baseXyz[3 * j + c] - baseXyz[3 * i + c];
                    d2 += d * d;
                }
                double d = Math.sqrt(d2);
                if (d >= clashCutoff && d <= lightClashMaxPairDistance && !bonded.contains((long) i * r + j)) pairs.add(new int[]{i, j});
            }
        }
        int np = pairs.size();
        if (np == 0) return null;
        double[] dm = new double[r * np];
        for (int p = 0; p < np; p++) {
            dm[pairs.get(p)[1] * np + p] += 1;
            dm[pairs.get(p)[0] * np + p] -= 1;
        }
        SDVariable diffMatrix = constant(sd, dm, dt, r, np);
        SDVariable d2 = null;
        for (int c = 0; c < 3; c++) {
            SDVariable diff = sd.mmul(xyz[c], diffMatrix);
            d2 = d2 == null ? diff.mul(diff) : d2.add(diff.mul(diff));
        }
        SDVariable d = sd.math().sqrt(d2.add(SQRT_EPS));
        SDVariable gap = sd.nn().relu(d.rsub(clashCutoff), 0.0);
        if (np == 1) return gap.mul(gap);
        SDVariable sum = gap.mul(gap).sum(true, 1);
        SDVariable count = sd.lt(d, sd.constant(Nd4j.scalar(dt, clashCutoff))).castTo(dt).sum(true, 1);
        return sum.div(sd.math().max(count, sd.onesLike(count)));
    }

    private SDVariable[] fixed(SameDiff sd, SDVariable ones, int from, int to, DataType dt) {
        SDVariable[] out = new SDVariable[3];
        for (int c = 0; c < 3; c++) out[c] = sd.mmul(ones, constant(sd, coords(c, from, to - from), dt, 1, to - from));
        return out;
    }

    private double[] coords(int c, int first, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) out[i] = baseXyz[3 * (first + i) + c];
        return out;
    }

    /**
     * Softmax along {@code axis} with the maximum subtracted first. ND4J M2.1's softmax and logSoftmax do not
     * subtract it: softmax([−1000, −999]) gives NaN (measured), and with τ = 0.05 every logit of a residue far from
     * all segment means is that negative. The shift does not change the value, so its gradient contributions cancel.
     * A reduction over an axis of length 1 fails in M2.1 (NullPointerException in BaseReduceOp.noOp), so a
     * one-segment part is special-cased: its weights are 1.
     */
    static SDVariable softmax(SameDiff sd, SDVariable x, int axis) {
        SDVariable e = sd.math().exp(x.sub(sd.max(x, true, axis)));
        return e.div(e.sum(true, axis));
    }

    /** Log-softmax along {@code axis}, max-shifted (see {@link #softmax}). */
    static SDVariable logSoftmax(SameDiff sd, SDVariable x, int axis) {
        SDVariable shifted = x.sub(sd.max(x, true, axis));
        return shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, axis)));
    }

    private static SDVariable beta(SameDiff sd, SDVariable in, int betaOffset, int which) {
        return cols(sd, in, betaOffset + which, betaOffset + which + 1);
    }

    private static SDVariable constant(SameDiff sd, double[] values, DataType dt, long... shape) {
        return sd.constant(Nd4j.create(values, shape, DataType.DOUBLE).castTo(dt));
    }

    /** x[:, from:to] of a rank-2 variable with a dynamic batch dimension. */
    static SDVariable cols(SameDiff sd, SDVariable x, long from, long to) {
        return sd.stridedSlice(x, new long[]{0, from}, new long[]{0, to}, new long[]{1, 1}, 1, 1, 0, 0, 0);
    }

    /** Slice [from, to) along {@code axis} of a rank-3 variable. */
    static SDVariable range(SameDiff sd, SDVariable x, int axis, long from, long to) {
        long[] b = new long[3], e = new long[3];
        b[axis] = from;
        e[axis] = to;
        int mask = 0b111 & ~(1 << axis);
        return sd.stridedSlice(x, b, e, new long[]{1, 1, 1}, mask, mask, 0, 0, 0);
    }

    /** Index {@code i} along {@code axis} of a rank-3 variable, that axis removed. */
    static SDVariable pick(SameDiff sd, SDVariable x, int axis, long i) {
        long[] b = new long[3], e = new long[3];
        b[axis] = i;
        e[axis] = i + 1;
        int mask = 0b111 & ~(1 << axis);
        return sd.stridedSlice(x, b, e, new long[]{1, 1, 1}, mask, mask, 0, 0, 1 << axis);
    }

    // ---------------------------------------------------------------- bean accessors (JSON)

    public int getBox() { return box; }
    public void setBox(int box) { this.box = box; }
    public double getApix() { return apix; }
    public void setApix(double apix) { this.apix = apix; }
    public double getSigma() { return sigma; }
    public void setSigma(double sigma) { this.sigma = sigma; }
    public double getFStd() { return fStd; }
    public void setFStd(double fStd) { this.fStd = fStd; }
    public int getLatentDim() { return latentDim; }
    public void setLatentDim(int latentDim) { this.latentDim = latentDim; }
    public double getTau() { return tau; }
    public void setTau(double tau) { this.tau = tau; }
    public boolean isNormalisedPosterior() { return normalisedPosterior; }
    public void setNormalisedPosterior(boolean normalisedPosterior) { this.normalisedPosterior = normalisedPosterior; }
    public double getStdFloor() { return stdFloor; }
    public void setStdFloor(double stdFloor) { this.stdFloor = stdFloor; }
    public double getEpsilonKl() { return epsilonKl; }
    public void setEpsilonKl(double epsilonKl) { this.epsilonKl = epsilonKl; }
    public double getClashCutoff() { return clashCutoff; }
    public void setClashCutoff(double clashCutoff) { this.clashCutoff = clashCutoff; }
    public boolean isClashLoss() { return clashLoss; }
    public boolean isFullClash() { return fullClash; }
    public void setFullClash(boolean fullClash) { this.fullClash = fullClash; }
    public double getLightClashMaxPairDistance() { return lightClashMaxPairDistance; }
    public void setLightClashMaxPairDistance(double v) { this.lightClashMaxPairDistance = v; }
    public void setClashLoss(boolean clashLoss) { this.clashLoss = clashLoss; }
    public double[] getBaseXyz() { return baseXyz; }
    public void setBaseXyz(double[] baseXyz) { this.baseXyz = baseXyz; }
    public double[] getAmplitudes() { return amplitudes; }
    public void setAmplitudes(double[] amplitudes) { this.amplitudes = amplitudes; }
    public int[] getPairFirst() { return pairFirst; }
    public void setPairFirst(int[] pairFirst) { this.pairFirst = pairFirst; }
    public int[] getPairSecond() { return pairSecond; }
    public void setPairSecond(int[] pairSecond) { this.pairSecond = pairSecond; }
    public int[] getPartFirst() { return partFirst; }
    public void setPartFirst(int[] partFirst) { this.partFirst = partFirst; }
    public int[] getPartCount() { return partCount; }
    public void setPartCount(int[] partCount) { this.partCount = partCount; }
    public int[] getPartSegments() { return partSegments; }
    public void setPartSegments(int[] partSegments) { this.partSegments = partSegments; }
    public int[] getPartIndexStart() { return partIndexStart; }
    public void setPartIndexStart(int[] partIndexStart) { this.partIndexStart = partIndexStart; }
    public double[] getStart() { return start; }
    public void setStart(double[] start) { this.start = start; }
    public double[] getPrior() { return prior; }
    public void setPrior(double[] prior) { this.prior = prior; }
    public boolean isTauColumn() { return tauColumn; }
    public void setTauColumn(boolean tauColumn) { this.tauColumn = tauColumn; }
    public double[] getGmmScale() { return gmmScale; }
    public void setGmmScale(double[] gmmScale) { this.gmmScale = gmmScale; }

    /** Residues per stored unit of the GMM's means/stds, per segment (all 1 for layers saved before the key existed). */
    public double[] gmmScaleOrOnes() {
        if (gmmScale != null) return gmmScale;
        double[] ones = new double[segments()];
        java.util.Arrays.fill(ones, 1.0);
        return ones;
    }

    /** Whether parameter {@code i} of {@link #PARAMS} (means/stds means and stds) is held in scaled units. */
    public static boolean scaled(int i) {
        return i < 4;
    }

    /** Parameter {@code i} of {@link #PARAMS} as stored by the optimiser → in residues (the inverse of the start's scaling). */
    public double[] inResidues(int i, double[] stored) {
        double[] out = stored.clone();
        if (scaled(i)) {
            double[] scale = gmmScaleOrOnes();
            for (int j = 0; j < out.length; j++) out[j] *= scale[j];
        }
        return out;
    }

    /** The six GMM parameter names, in {@link #PARAMS} order (for reading them out of a graph). */
    public static java.util.List<String> paramNames() {
        return java.util.List.of(PARAMS);
    }
}
