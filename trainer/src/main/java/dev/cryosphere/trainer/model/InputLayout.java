package dev.cryosphere.trainer.model;

import dev.cryosphere.core.physics.Ctf;
import dev.cryosphere.core.physics.CtfParams;

/**
 * Column layout of the graph's "cond" input and of the loss layer's merged input; the one place that knows it.
 * <pre>
 *   cond  = pose R (9, row-major RELION A) | origin x, y (2, Å, rlnOriginX/YAngst) | CTF (N², unshifted layout)
 *           | GMM noise εm, εs, εp (3K) | loss weights (6: KL latent, KL means, KL stds, KL proportions,
 *           continuity, clash) | [τ, only when the configuration anneals it]
 *   merge = decoder output (6K) | encoder output (2L) | cond
 * </pre>
 * Why the CTF goes in as a grid: it is computed in Java by {@link Ctf#unshiftedGrid}, so the CTF convention
 * stays in one place (core) and the graph only multiplies. Why the loss weights go in as columns: the schedules
 * change every epoch, and data columns change without rebuilding (or re-shipping) the graph.
 */
public final class InputLayout {
    public static final int POSE = 11;
    public static final int BETAS = 6;
    public static final int BETA_KL_LATENT = 0, BETA_KL_MEANS = 1, BETA_KL_STDS = 2, BETA_KL_PROPORTIONS = 3,
            BETA_CONTINUITY = 4, BETA_CLASH = 5;

    private final int pixels, segments, latent;
    /** Whether cond ends with the segmentation temperature τ (only when τ is annealed; older runs have no column). */
    private final boolean tauColumn;

    public InputLayout(int pixels, int segments, int latent) {
        this(pixels, segments, latent, false);
    }

    public InputLayout(int pixels, int segments, int latent, boolean tauColumn) {
        this.pixels = pixels;
        this.segments = segments;
        this.latent = latent;
        this.tauColumn = tauColumn;
    }

    public static InputLayout of(ModelConfig c) {
        return new InputLayout(c.pixels(), c.segments(), c.latentDim(), c.annealsTau());
    }

    public int condWidth() { return POSE + pixels + 3 * segments + BETAS + (tauColumn ? 1 : 0); }

    public boolean hasTauColumn() { return tauColumn; }

    /** Offset of the loss weights inside one cond row. */
    public int betaOffsetInCond() { return POSE + pixels + 3 * segments; }

    /** Offset of τ in the merged input (only with {@link #hasTauColumn()}). */
    public int tauOffset() { return betaOffset() + BETAS; }

    public int decoderWidth() { return 6 * segments; }

    public int encoderWidth() { return 2 * latent; }

    /** Offset of the cond block in the merged input. */
    public int condOffset() { return decoderWidth() + encoderWidth(); }

    public int poseOffset() { return condOffset(); }

    public int ctfOffset() { return condOffset() + POSE; }

    public int noiseOffset() { return ctfOffset() + pixels; }

    public int betaOffset() { return noiseOffset() + 3 * segments; }

    public int mergedWidth() { return condOffset() + condWidth(); }

    /**
     * One row of "cond".
     *
     * @param rotation RELION A matrix, row-major
     * @param ctfGrid  CTF on the unshifted DFT layout (N², row-major [ky][kx]); null = no CTF (all ones)
     * @param gmmNoise εm | εs | εp, 3K standard normal numbers
     * @param betas    the six loss weights (see the class comment)
     * @param tau      the segmentation temperature of this step (written only with {@link #hasTauColumn()})
     */
    public double[] condRow(double[] rotation, double originX, double originY, double[] ctfGrid, double[] gmmNoise,
                           double[] betas, double tau) {
        if (rotation.length != 9 || gmmNoise.length != 3 * segments || betas.length != BETAS
                || (ctfGrid != null && ctfGrid.length != pixels))
            throw new IllegalArgumentException("cond row: wrong sizes");
        double[] row = new double[condWidth()];
        for (int i = 0; i < 9; i++) row[i] = rotation[i];
        row[9] = originX;
        row[10] = originY;
        for (int i = 0; i < pixels; i++) row[POSE + i] = ctfGrid == null ? 1.0 : ctfGrid[i];
        for (int i = 0; i < 3 * segments; i++) row[POSE + pixels + i] = gmmNoise[i];
        for (int i = 0; i < BETAS; i++) row[POSE + pixels + 3 * segments + i] = betas[i];
        if (tauColumn) row[POSE + pixels + 3 * segments + BETAS] = tau;
        return row;
    }

    /** The CTF grid for one particle, as the graph expects it. */
    public static double[] ctfGrid(CtfParams p, int box, double apix) {
        return new Ctf(p).unshiftedGrid(box, apix);
    }
}
