package dev.cryosphere.trainer.run;

import dev.cryosphere.core.physics.Ctf;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.physics.ImageFilters;
import dev.cryosphere.trainer.model.InputLayout;
import dev.cryosphere.trainer.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/**
 * Turns dataset rows into the graph's inputs (image, latent noise, cond) and labels (the observed image).
 * The encoder input is {@link #encoderInput} (optional circular mask, then {@link #normalise}); the loss target is the
 * same image, low-passed when the configuration asks ({@link #lossTarget}), as in the reference. All noise comes from a {@link Random} seeded by (seed, epoch, batch): the same batch of the same
 * epoch always sees the same numbers, which makes resumed runs exact.
 */
public final class BatchBuilder {
    private final ModelConfig config;
    private final InputLayout layout;

    public BatchBuilder(ModelConfig config) {
        this.config = config;
        this.layout = InputLayout.of(config);
    }

    /**
     * The encoder input / loss target for a dataset image (the one place of this convention): image · N / f_std, i.e.
     * in units of the dataset's pixel rms (f_std, the std of the unnormalised centred FFTs, is N times it by Parseval).
     *
     * <p>Why not the reference's image / f_std: that makes pixel values ~1/N, and through the encoder's four layers the
     * latent means of different images then differ by ~3e-4 at initialisation (measured, 32 px): far below the
     * posterior std, so z carries no information and training stays collapsed (|Spearman(PC1, hinge angle)| 0.3 after 3
     * epochs, latent variance 1e-7; with this scaling 0.49 and 3e-3, and 0.88 after 27 epochs). The factor is a
     * constant, and the correlation loss is invariant to the scale of either image, so the loss is the reference's.
     */
    public static float[] normalise(float[] image, double fStd) {
        float[] out = new float[image.length];
        float scale = (float) (Math.sqrt(image.length) / fStd);
        for (int i = 0; i < image.length; i++) out[i] = image[i] * scale;
        return out;
    }

    /**
     * What the encoder sees for a dataset image, in training and in evaluation: the optional input mask
     * ({@code input_mask_radius}, applied before normalisation as in the reference), then {@link #normalise}.
     */
    public static float[] encoderInput(float[] image, ModelConfig config) {
        float[] x = image;
        if (config.inputMaskRadius() != null)
            x = ImageFilters.masked(image, ImageFilters.circularMask(config.box(), config.inputMaskRadius()));
        return normalise(x, config.fStd());
    }

    /**
     * The image the prediction is correlated with: the encoder input, low-passed at {@code low_pass} Å when set (the
     * reference filters only the observed image; low-pass and the prediction's shift commute, so filtering before
     * the shift is the same).
     */
    public static float[] lossTarget(float[] encoderInput, ModelConfig config) {
        if (config.lowPassAngstrom() == null) return encoderInput;
        return ImageFilters.lowPass(encoderInput, config.box(), config.apix(), config.lowPassAngstrom());
    }

    /** One dataset row as the batch builder needs it. */
    public record Row(long particleIndex, float[] image, double[] rotation, double originX, double originY, CtfParams ctf) {}

    /** The six loss weights at progress {@code t} (epochs, fractions allowed), in {@link InputLayout} order. */
    public double[] betas(double t) {
        int n = config.epochs();
        return new double[]{config.klLatent().value(t, n), config.klMeans().value(t, n),
                config.klStds().value(t, n), config.klProportions().value(t, n),
                config.continuity().value(t, n), config.clash().value(t, n)};
    }

    /**
     * The batch {@code batch} of epoch {@code epoch}, taken at progress {@code t} (epochs: the epoch plus the fraction
     * of it done): the loss weights and τ of every schedule are those at t.
     */
    public MultiDataSet build(List<Row> rows, long seed, int epoch, long batch, double t) {
        return build(rows, seed, epoch, batch, betas(t), config.tauAt(t));
    }

    /** As {@link #build(List, long, int, long, double)} with the loss weights and τ given. */
    public MultiDataSet build(List<Row> rows, long seed, int epoch, long batch, double[] betas, double tau) {
        int b = rows.size(), p = config.pixels(), l = config.latentDim(), k = config.segments();
        Random rng = new Random(mix(seed, epoch, batch));
        float[] images = new float[b * p];
        float[] targets = config.lowPassAngstrom() == null ? null : new float[b * p];
        float[] noise = new float[b * l];
        float[] cond = new float[b * layout.condWidth()];
        for (int i = 0; i < b; i++) {
            Row r = rows.get(i);
            float[] img = encoderInput(r.image(), config);
            System.arraycopy(img, 0, images, i * p, p);
            if (targets != null) System.arraycopy(lossTarget(img, config), 0, targets, i * p, p);
            for (int d = 0; d < l; d++) noise[i * l + d] = (float) rng.nextGaussian();
            double[] gmm = new double[3 * k];
            for (int j = 0; j < gmm.length; j++) gmm[j] = rng.nextGaussian();
            double[] ctfGrid = new Ctf(r.ctf()).unshiftedGrid(config.box(), config.apix());
            double[] row = layout.condRow(r.rotation(), r.originX(), r.originY(), ctfGrid, gmm, betas, tau);
            for (int j = 0; j < row.length; j++) cond[i * row.length + j] = (float) row[j];
        }
        INDArray img = Nd4j.create(images, new long[]{b, p}, DataType.FLOAT);
        INDArray[] features = {img, Nd4j.create(noise, new long[]{b, l}, DataType.FLOAT),
                Nd4j.create(cond, new long[]{b, layout.condWidth()}, DataType.FLOAT)};
        INDArray target = targets == null ? img.dup() : Nd4j.create(targets, new long[]{b, p}, DataType.FLOAT);
        return new MultiDataSet(features, new INDArray[]{target});
    }

    /** A well-mixed 64-bit seed for (seed, epoch, batch). */
    public static long mix(long seed, long epoch, long batch) {
        long z = seed * 0x9E3779B97F4A7C15L ^ (epoch + 1) * 0xBF58476D1CE4E5B9L ^ (batch + 1) * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
