package dev.cryosphere.trainer.run;

import dev.cryosphere.trainer.model.InputLayout;
import dev.cryosphere.trainer.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The loss split into its terms on one batch, by switching the per-row loss weights (input columns) on one at a time:
 * the correlation term is the loss with every weight 0; term i is the loss with only weight i at its scheduled value,
 * minus that. Used for the per-epoch metrics and to name the term that went non-finite.
 */
final class LossProbe {
    static final String[] TERMS = {"kl_latent", "kl_means", "kl_stds", "kl_proportions", "continuity", "clash"};

    private LossProbe() {}

    /** {correlation, kl_latent, kl_means, kl_stds, kl_proportions, continuity, clash}, weighted as in training. */
    static double[] terms(ComputationGraph graph, MultiDataSet batch, ModelConfig config, double[] betas) {
        double base = scoreWith(graph, batch, config, new double[InputLayout.BETAS]);
        double[] out = new double[1 + InputLayout.BETAS];
        out[0] = base - regularization(graph);
        for (int i = 0; i < InputLayout.BETAS; i++) {
            double[] b = new double[InputLayout.BETAS];
            b[i] = betas[i];
            out[1 + i] = betas[i] == 0 ? 0 : scoreWith(graph, batch, config, b) - base;
        }
        return out;
    }

    /** The name of the first term that is not finite on this batch, or "correlation". */
    static String nonFiniteTerm(ComputationGraph graph, MultiDataSet batch, ModelConfig config, double[] betas) {
        double base = scoreWith(graph, batch, config, new double[InputLayout.BETAS]);
        if (!Double.isFinite(base)) return "correlation (or the rendering)";
        for (int i = 0; i < InputLayout.BETAS; i++) {
            double[] b = new double[InputLayout.BETAS];
            b[i] = betas[i];
            if (!Double.isFinite(scoreWith(graph, batch, config, b))) return TERMS[i];
        }
        return "the gradient (the loss itself was finite)";
    }

    private static double scoreWith(ComputationGraph graph, MultiDataSet batch, ModelConfig config, double[] betas) {
        InputLayout layout = InputLayout.of(config);
        INDArray cond = batch.getFeatures(2).dup();
        int off = layout.betaOffsetInCond();
        for (int i = 0; i < InputLayout.BETAS; i++) cond.getColumn(off + i).assign(betas[i]);
        MultiDataSet probe = new MultiDataSet(new INDArray[]{batch.getFeatures(0), batch.getFeatures(1), cond}, batch.getLabels());
        return graph.score(probe, false);
    }

    private static double regularization(ComputationGraph graph) {
        return graph.calcRegularizationScore(true);
    }
}
