package dev.cryosphere.evaluate;

import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.BatchBuilder;

/**
 * The contract between a dataset and the encoder: the encoder sees the ingested image exactly as in training, through
 * the trainer's {@link BatchBuilder#encoderInput} (the run's optional input mask, then image · N / fStd), the one
 * definition. It deliberately takes the run's fStd ({@code ModelConfig.fStd()}, copied from the dataset's
 * normalisation when the run was made), not the evaluated dataset's, because the weights were fitted to it.
 */
public final class EncoderInput {
    private EncoderInput() {}

    /** A new array: the image as the encoder saw it in training. */
    public static float[] of(float[] image, ModelConfig config) {
        if (!(config.fStd() > 0)) throw new IllegalArgumentException("fStd must be positive: " + config.fStd());
        return BatchBuilder.encoderInput(image, config);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of a batch, as the encoder saw them in training. */
    public static float[][] of(float[][] images, int from, int to, ModelConfig config) {
        float[][] out = new float[to - from][];
        for (int i = from; i < to; i++) out[i - from] = of(images[i], config);
        return out;
    }
}
