package dev.cryosphere.trainer.model;

import java.util.List;

/**
 * Plain-Java evaluation of the segmentation GMM for one image (double precision), the reference the SameDiff
 * layer is tested against and the tool for decoding structures after training.
 * <pre>
 *   m_k = meansMeans_k + meansStds_k · εm_k
 *   s_k = StdTransform(stdsMeans_k + stdsStds_k · εs_k)
 *   π   = softmax over the part's segments of (proportionsMeans + proportionsStds · εp)
 *   w_rk = softmax_k((−½ (r − m_k)² / s_k² + log π_k [− log s_k]) / τ)      over the segments of r's part
 * </pre>
 * The noise ε is drawn outside the graph and passed in, so a forward and its backward see one sample. The bracketed
 * term is there with {@link ModelConfig#normalisedPosterior()}.
 */
public final class Segmentation {
    private Segmentation() {}

    /**
     * Weights [residue][segment] over all {@code residues} of the structure and all segments of all parts;
     * residues outside every part get all-zero rows (they keep their base position).
     *
     * @param noise εm (K) | εs (K) | εp (K), K = total segments
     */
    public static double[][] weights(ModelConfig.GmmValues q, ModelConfig c, int residues, double[] noise, double tau) {
        return weights(q, c.parts(), residues, noise, tau, c.stdFloor(), c.normalisedPosterior());
    }

    /** As above with the configuration's pieces given one by one. */
    public static double[][] weights(ModelConfig.GmmValues q, List<ModelConfig.Part> parts, int residues,
                                     double[] noise, double tau, double stdFloor, boolean normalised) {
        int k = q.size();
        if (noise.length != 3 * k) throw new IllegalArgumentException("expected " + 3 * k + " noise values, got " + noise.length);
        double[][] w = new double[residues][k];
        int g0 = 0;
        for (ModelConfig.Part p : parts) {
            int kp = p.segments();
            double[] m = new double[kp], s = new double[kp], logPi = new double[kp];
            double maxP = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < kp; i++) {
                int g = g0 + i;
                m[i] = q.meansMeans()[g] + q.meansStds()[g] * noise[g];
                s[i] = StdTransform.value(q.stdsMeans()[g] + q.stdsStds()[g] * noise[k + g], stdFloor);
                logPi[i] = q.proportionsMeans()[g] + q.proportionsStds()[g] * noise[2 * k + g];
                maxP = Math.max(maxP, logPi[i]);
            }
            double z = 0;
            for (int i = 0; i < kp; i++) z += Math.exp(logPi[i] - maxP);
            for (int i = 0; i < kp; i++) logPi[i] -= maxP + Math.log(z);
            for (int j = 0; j < p.count(); j++) {
                double r = p.indexStart() + j;
                double[] l = new double[kp];
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < kp; i++) {
                    double d = (r - m[i]) / s[i];
                    l[i] = (-0.5 * d * d + logPi[i] - (normalised ? Math.log(s[i]) : 0)) / tau;
                    max = Math.max(max, l[i]);
                }
                double sum = 0;
                for (int i = 0; i < kp; i++) sum += (l[i] = Math.exp(l[i] - max));
                for (int i = 0; i < kp; i++) w[p.first() + j][g0 + i] = l[i] / sum;
            }
            g0 += kp;
        }
        return w;
    }
}
