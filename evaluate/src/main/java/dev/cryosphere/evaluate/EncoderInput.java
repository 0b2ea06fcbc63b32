package dev.cryosphere.evaluate;

/**
 * The normalisation contract between a dataset and the encoder: the encoder sees the ingested image scaled by N over the
 * run's {@code fStd} ({@code ModelConfig.fStd()}, copied from the dataset's {@code _dataset.json} normalisation when the
 * run was made), with fMu = 0, exactly as in training: it delegates to the trainer's {@code BatchBuilder.normalise},
 * the one definition. It deliberately takes the run's fStd, not the dataset's, because the weights were fitted to it.
 */
public final class EncoderInput {
    private EncoderInput() {}

    /** A new array: the image scaled as in training ({@code BatchBuilder.normalise}: image · N / fStd). */
    public static float[] normalise(float[] image, double fStd) {
        if (!(fStd > 0)) throw new IllegalArgumentException("fStd must be positive: " + fStd);
        return dev.cryosphere.trainer.run.BatchBuilder.normalise(image, fStd);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of a batch, normalised. */
    public static float[][] normalise(float[][] images, int from, int to, double fStd) {
        float[][] out = new float[to - from][];
        for (int i = from; i < to; i++) out[i - from] = normalise(images[i], fStd);
        return out;
    }
}
