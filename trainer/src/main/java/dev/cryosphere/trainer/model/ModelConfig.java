package dev.cryosphere.trainer.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cryosphere.core.format.AtomicModel;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Every setting of the cryoSPHERE model and its optimiser; the parameters below give the reference's values
 * (cryosphere-reference.md sections 1–6), the defaults users get are {@code RunConfig}'s presets. One immutable value, JSON-serialisable so a checkpoint can carry it;
 * the graph is a pure function of this and the base structure ({@link CryoSphereGraph}).
 *
 * @param box            image side N in pixels (after any downsampling)
 * @param apix           pixel size, Å
 * @param sigma          Gaussian width per residue, Å (reference: sigma_gmm = 2, not scaled with apix)
 * @param fStd           dataset normalisation: predictions are divided by it (reference: std of centred FFTs)
 * @param latentDim      latent dimension (8)
 * @param encoderHidden  encoder hidden widths ([512, 256, 64, 64])
 * @param decoderHidden  decoder hidden widths ([512, 512])
 * @param leakySlope     LeakyReLU negative slope (0.01, PyTorch's default)
 * @param parts          segmentation parts; each has its own GMM over residue index and its own K
 * @param tau            segmentation softmax temperature (0.05)
 * @param stdFloor       added to every ELU+1 std so it can never be 0 (see {@link StdTransform})
 * @param epsilonKl      epsilon inside the KL logarithms (1e-10)
 * @param lrNetworks     Adam learning rate of encoder and decoder (3e-5)
 * @param lrSegmentation Adam learning rate of the GMM parameters (3e-4)
 * @param l2             reference L2 beta on encoder/decoder weights (1e-6; penalty beta·Σw²)
 * @param continuity     schedule of the continuity loss (constant 0.1)
 * @param clash          schedule of the clash loss (constant 0.1)
 * @param clashCutoff    clash distance, Å (4)
 * @param fullClash      true: the reference's full clash loss over all pairs |i − j| ≥ 2, O(B·R²); false: its light
 *                       version over the pairs whose base distance is in [cutoff, 10 Å], non-consecutive
 * @param klLatent       schedule of KL(latent) (linear)
 * @param klMeans        schedule of KL(segment means) (linear)
 * @param klStds         schedule of KL(segment stds) (linear)
 * @param klProportions  schedule of KL(segment proportions) (cyclical, M = 5, R = 0.5)
 * @param segmentationStart GMM start values; null = the reference's "uniform" start from the parts
 * @param segmentationPrior GMM prior; null = the reference's "uniform" prior (same numbers as the start)
 * @param lowPassAngstrom optional hard low-pass of the observed images (|k| &lt; 1/value), null = none
 * @param inputMaskRadius optional circular mask radius as a fraction of the half box, null = none
 * @param batchSize      images per step (128)
 * @param epochs         number of epochs (300); the KL schedules depend on it
 * @param seed           seed of parameter init, noise and shuffling
 * @param latentStdInit  posterior std of every latent dimension at initialisation (the bias of the encoder's std
 *                       outputs is set so that the std transform gives it); 0 keeps the reference's init (bias 0:
 *                       std ≈ 1). Default 0.01, see {@link #DEFAULT_LATENT_STD_INIT}.
 * @param lrSchedule     optional step decay of the learning rates (the reference's {@code scheduler}); null = constant
 * @param segmentationUnits units in which the optimiser holds the GMM's means and stds (parameters and per-image
 *                       draws): "residues" (the reference; also null, as in configurations written before this key) or
 *                       "segments" (one unit = the part's residues / K). See {@link #gmmScales()}.
 * @param tauStart       optional segmentation temperature at the start, annealed geometrically to {@code tau}
 *                       over {@code tauEpochs} epochs; null = τ constant (the reference). See {@link #tauAt(double)}.
 * @param tauEpochs      length of that annealing in epochs, fractions allowed (null with tauStart null)
 * @param segmentationPosterior the residues' segment weights: "reference" (also null) = softmax of
 *                       −½(r − m_k)²/s_k² + log π_k, as the reference (no −log s_k); "normalised" = the GMM's
 *                       posterior, with −log s_k. See {@link #normalisedPosterior()}.
 *
 * <p>Time in this record is in epochs (dataset passes), fractions allowed: the trainer evaluates every schedule at
 * its progress t = epoch + fraction of the epoch done, before every step. Settings given in images or optimiser steps
 * ({@code RunConfig}) arrive here converted with the dataset's size, so a schedule does on 200,000 particles what it
 * does on 2,000 per image seen.
 */
public record ModelConfig(int box, double apix, double sigma, double fStd,
                          int latentDim, List<Integer> encoderHidden, List<Integer> decoderHidden, double leakySlope,
                          List<Part> parts, double tau, double stdFloor, double epsilonKl,
                          double lrNetworks, double lrSegmentation, double l2,
                          Schedule continuity, Schedule clash, double clashCutoff, boolean fullClash,
                          Schedule klLatent, Schedule klMeans, Schedule klStds, Schedule klProportions,
                          GmmValues segmentationStart, GmmValues segmentationPrior,
                          Double lowPassAngstrom, Double inputMaskRadius,
                          int batchSize, int epochs, long seed, double latentStdInit,
                          LrSchedule lrSchedule, String segmentationUnits, Double tauStart, Double tauEpochs,
                          String segmentationPosterior) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Why not the reference's std ≈ 1 at init: the encoder's means of different images start ~1e-2 apart, so z is
     * almost pure noise, the decoder learns to ignore it and the latent stays collapsed for thousands of steps. Measured
     * on a simulated hinge set (1,024 images, 32 px, SNR 10, batch 32): |Spearman(PC1, hinge angle)| 0.19–0.29 over 40
     * epochs with std ≈ 1; 0.35 after 5 epochs with 0.1; 0.65 after 6 and 0.88 after 27 with 0.01 (0.84 after 10
     * with no latent noise at all). Starting the posterior narrow lets z carry the image's information from the first
     * steps; the KL term, ramped up by its schedule, widens it as far as the data allow.
     */
    public static final double DEFAULT_LATENT_STD_INIT = 0.01;

    public ModelConfig {
        if (box < 2) throw new IllegalArgumentException("box must be at least 2: " + box);
        if (!(apix > 0) || !(sigma > 0) || !(fStd > 0)) throw new IllegalArgumentException("apix, sigma and fStd must be positive");
        if (latentDim < 1) throw new IllegalArgumentException("latentDim must be positive");
        if (parts == null || parts.isEmpty()) throw new IllegalArgumentException("at least one segmentation part is needed");
        if (!(tau > 0)) throw new IllegalArgumentException("tau must be positive");
        if (tauStart != null && !(tauStart > 0 && Double.isFinite(tauStart)))
            throw new IllegalArgumentException("tau_start must be positive and finite: " + tauStart);
        if (tauStart != null && (tauEpochs == null || !(tauEpochs > 0) || !Double.isFinite(tauEpochs)))
            throw new IllegalArgumentException("tau_epochs must be positive with tau_start: " + tauEpochs);
        if (segmentationUnits != null && !UNITS.contains(segmentationUnits))
            throw new IllegalArgumentException("segmentation_units must be residues or segments: " + segmentationUnits);
        if (segmentationPosterior != null && !POSTERIORS.contains(segmentationPosterior))
            throw new IllegalArgumentException("segmentation_posterior must be reference or normalised: " + segmentationPosterior);
        if (latentStdInit != 0 && !(latentStdInit > stdFloor))
            throw new IllegalArgumentException("latent_std_init must be larger than the std floor " + stdFloor + ": " + latentStdInit);
        encoderHidden = List.copyOf(encoderHidden);
        decoderHidden = List.copyOf(decoderHidden);
        parts = List.copyOf(parts);
        for (int i = 1; i < parts.size(); i++) {
            if (parts.get(i).first() < parts.get(i - 1).first() + parts.get(i - 1).count())
                throw new IllegalArgumentException("parts must be sorted by first residue and must not overlap");
        }
        int k = parts.stream().mapToInt(Part::segments).sum();
        if (segmentationStart != null && segmentationStart.size() != k)
            throw new IllegalArgumentException("segmentationStart has " + segmentationStart.size() + " segments, parts have " + k);
        if (segmentationPrior != null && segmentationPrior.size() != k)
            throw new IllegalArgumentException("segmentationPrior has " + segmentationPrior.size() + " segments, parts have " + k);
    }

    /** The reference's defaults for a structure of {@code residues} residues segmented as one part into {@code k} segments. */
    public static ModelConfig defaults(int box, double apix, int residues, int k) {
        return new ModelConfig(box, apix, 2.0, 1.0,
                8, List.of(512, 256, 64, 64), List.of(512, 512), 0.01,
                List.of(Part.whole(residues, k)), 0.05, 1e-3, 1e-10,
                3e-5, 3e-4, 1e-6,
                Schedule.constant(0.1), Schedule.constant(0.1), 4.0, true,
                Schedule.linear(), Schedule.linear(), Schedule.linear(), Schedule.cyclical(5, 0.5),
                null, null, null, null,
                128, 300, 0L, DEFAULT_LATENT_STD_INIT, null, null, null, null, null);
    }

    /** The networks' learning rate at progress {@code t} (epochs, 0 = start), after the schedule's decays. */
    public double lrNetworks(double t) {
        return lrSchedule == null || !lrSchedule.networks() ? lrNetworks : lrNetworks * lrSchedule.factor(t);
    }

    /** The segmentation's learning rate at progress {@code t} (epochs, 0 = start), after the schedule's decays. */
    public double lrSegmentation(double t) {
        return lrSchedule == null || !lrSchedule.segmentation() ? lrSegmentation : lrSegmentation * lrSchedule.factor(t);
    }

    /**
     * Step decay, the reference's {@code scheduler: {milestones, decay}} (PyTorch's MultiStepLR stepped once per epoch):
     * after {@code m} epochs for each milestone m, the learning rates of the chosen groups are multiplied by
     * {@code decay}. The reference decays both groups; {@code networks}/{@code segmentation} choose. An optional
     * linear warm-up (ours, not the reference's) ramps the chosen groups' rates from 0 to their base over the first
     * {@code warmup} epochs: why, see RunConfig's scheduler.warmup.
     */
    public record LrSchedule(List<Double> milestones, double decay, boolean networks, boolean segmentation, double warmup) {
        public LrSchedule {
            milestones = List.copyOf(milestones);
            if (milestones.isEmpty() && warmup == 0) throw new IllegalArgumentException("scheduler.milestones is empty");
            for (double m : milestones)
                if (!(m > 0) || !Double.isFinite(m)) throw new IllegalArgumentException("scheduler.milestones must be positive: " + m);
            if (!(decay > 0 && decay <= 1)) throw new IllegalArgumentException("scheduler.decay must be in (0, 1]: " + decay);
            if (!(warmup >= 0) || !Double.isFinite(warmup)) throw new IllegalArgumentException("scheduler.warmup must be ≥ 0: " + warmup);
            if (!networks && !segmentation) throw new IllegalArgumentException("scheduler.groups is empty");
        }

        public LrSchedule(List<Double> milestones, double decay, boolean networks, boolean segmentation) {
            this(milestones, decay, networks, segmentation, 0);
        }

        /**
         * min(1, t / warmup) · decay^(number of milestones ≤ t), t the progress in epochs. Without warm-up and with
         * whole-epoch milestones this is the reference's MultiStepLR stepped once per epoch (t ≥ m exactly when the
         * 0-based epoch is ≥ m).
         */
        public double factor(double t) {
            return factor(t, milestones.stream().mapToDouble(Double::doubleValue).toArray(), decay, warmup);
        }

        static double factor(double t, double[] milestones, double decay, double warmup) {
            double f = warmup > 0 && t < warmup ? Math.max(0, t) / warmup : 1;
            for (double m : milestones) if (m <= t) f *= decay;
            return f;
        }

        /** DL4J's schedule of a base learning rate: its value from each milestone on, keyed by the trainer's progress. */
        public org.nd4j.linalg.schedule.ISchedule of(double base) {
            return new ClockedStepSchedule(base, milestones.stream().mapToDouble(Double::doubleValue).toArray(), decay, warmup);
        }
    }

    /** Total number of segments over all parts. */
    @JsonIgnore
    public int segments() {
        return parts.stream().mapToInt(Part::segments).sum();
    }

    /** Pixels per image, N². */
    @JsonIgnore
    public int pixels() {
        return box * box;
    }

    /** The GMM start values actually used. */
    public GmmValues startValues() {
        return segmentationStart != null ? segmentationStart : GmmValues.uniform(parts);
    }

    /** The GMM prior actually used. */
    public GmmValues priorValues() {
        return segmentationPrior != null ? segmentationPrior : GmmValues.uniform(parts);
    }

    public ModelConfig withNetworks(int latentDim, List<Integer> encoderHidden, List<Integer> decoderHidden) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withParts(List<Part> parts) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, null, null, lowPassAngstrom, inputMaskRadius, batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withImage(int box, double apix, double sigma, double fStd) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    /** Whether τ changes during training (then the graph reads it from the input, see {@link InputLayout}). */
    @JsonIgnore
    public boolean annealsTau() {
        return tauStart != null;
    }

    /**
     * The segmentation temperature at progress {@code t} (epochs): tau_start·(tau/tau_start)^(t/tau_epochs) for
     * t &lt; tau_epochs, then tau. Why anneal: at τ = 0.05 the weights are one-hot except within a few
     * residues of a boundary, so only those residues' data reach the GMM and a domain lying inside one segment
     * never pulls a boundary towards it; a soft start lets every residue's misfit move the segments.
     */
    public double tauAt(double t) {
        if (tauStart == null || t >= tauEpochs) return tau;
        return tauStart * Math.pow(tau / tauStart, t / tauEpochs);
    }

    /** Units of the GMM's means and stds as the optimiser holds them: "residues" (the reference) or "segments". */
    public static final List<String> UNITS = List.of("residues", "segments");

    /**
     * Per segment, the factor from the optimiser's GMM means/stds (parameters and draws) to residues: 1 in "residues"
     * units, the part's residues / K in "segments" units. Why: Adam moves every parameter by about its learning rate per
     * step whatever the gradient's scale, so in residues a mean moves ~0.03 residues per step at 3e-2 while one unit of a
     * proportion logit moves a boundary by ~count/K residues: the boundaries can hardly follow the means (measured:
     * ~1 residue per epoch at 32 steps an epoch) and are random-walked by the proportions. In segment units a step of
     * the means, the stds and the logits moves a boundary by comparable amounts. The KL terms are unchanged (a KL
     * between Gaussians does not depend on the units), and so is the model; only the optimiser's geometry changes.
     */
    public double[] gmmScales() {
        double[] out = new double[segments()];
        int g = 0;
        for (Part p : parts)
            for (int j = 0; j < p.segments(); j++) out[g++] = "segments".equals(segmentationUnits) ? (double) p.count() / p.segments() : 1.0;
        return out;
    }

    public ModelConfig withTauAnnealing(Double tauStart, Double tauEpochs) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash,
                klLatent, klMeans, klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withSegmentationUnits(String segmentationUnits) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash,
                klLatent, klMeans, klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    /** Values of {@code segmentation_posterior}. */
    public static final List<String> POSTERIORS = List.of("reference", "normalised");

    /**
     * Whether the segment weights are the Gaussian mixture's true posterior (each component's density normalised, so
     * −log s_k enters the softmax). Why offer it: without that term a segment whose std grows raises its weight
     * everywhere and wins over its neighbours at any distance; with it a wide segment pays for its width, as in any
     * GMM. Measured (docs/benchmarks.md): it kept set (c)'s seed-1 segmentation from collapsing into one segment, but
     * merged a small domain with the core on seed 0, so it is an option, not the default.
     */
    @JsonIgnore
    public boolean normalisedPosterior() {
        return "normalised".equals(segmentationPosterior);
    }

    public ModelConfig withSegmentationPosterior(String segmentationPosterior) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withTau(double tau) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withL2(double l2) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withFullClash(boolean fullClash) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent,
                klMeans, klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withLatentStdInit(double latentStdInit) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withSeed(long seed) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withEpochs(int epochs) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public ModelConfig withBatchSize(int batchSize) {
        return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, leakySlope, parts, tau,
                stdFloor, epsilonKl, lrNetworks, lrSegmentation, l2, continuity, clash, clashCutoff, fullClash, klLatent, klMeans,
                klStds, klProportions, segmentationStart, segmentationPrior, lowPassAngstrom, inputMaskRadius,
                batchSize, epochs, seed, latentStdInit, lrSchedule, segmentationUnits, tauStart, tauEpochs, segmentationPosterior);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the model config as JSON", e);
        }
    }

    public static ModelConfig fromJson(String json) {
        try {
            return JSON.readValue(json, ModelConfig.class);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot read a model config from JSON", e);
        }
    }

    /**
     * One segmentation part: residues {@code first .. first+count-1} of the base structure (model order), cut into
     * {@code segments} segments by a GMM over the residue index r = indexStart .. indexStart+count-1. The reference
     * counts r from 0 inside the chain, so a chain range A:from-to has indexStart = its position in chain A.
     */
    public record Part(int first, int count, int segments, int indexStart) {
        public Part {
            if (first < 0 || count < 1 || segments < 1 || indexStart < 0)
                throw new IllegalArgumentException("bad part: first=" + first + " count=" + count + " segments=" + segments);
        }

        /** The whole structure as one part (the reference's "all_protein"). */
        public static Part whole(int residues, int segments) {
            return new Part(0, residues, segments, 0);
        }

        /** Residues {@code from..to} (author numbers, inclusive) of one chain; they must be contiguous in the model. */
        public static Part chainRange(AtomicModel model, String chain, int from, int to, int segments) {
            int[] idx = model.residueRange(chain, from, to);
            if (idx.length == 0) throw new IllegalArgumentException("no residue in " + chain + ":" + from + "-" + to);
            for (int i = 1; i < idx.length; i++)
                if (idx[i] != idx[i - 1] + 1) throw new IllegalArgumentException("residues of " + chain + ":" + from + "-" + to + " are not contiguous");
            int chainStart = idx[0];
            while (chainStart > 0 && model.chain(chainStart - 1).equals(chain)) chainStart--;
            return new Part(idx[0], idx.length, segments, idx[0] - chainStart);
        }
    }

    /**
     * A loss weight as a function of the progress t (epochs), as the reference's compute_beta_schedule: constant
     * (beta), linear min(t/M, 1) with M = epochs/2 when m is 0, or cyclical with M cycles and ratio R. At whole epochs
     * the values are the reference's; between them they follow t instead of holding the epoch's value, so a run of
     * one long epoch still ramps.
     */
    public record Schedule(String type, double beta, int m, double r) {
        public Schedule {
            if (!List.of("constant", "linear", "cyclical").contains(type))
                throw new IllegalArgumentException("schedule type must be constant, linear or cyclical: " + type);
        }

        public static Schedule constant(double beta) { return new Schedule("constant", beta, 0, 0); }

        public static Schedule linear() { return new Schedule("linear", 1, 0, 0); }

        public static Schedule cyclical(int m, double r) { return new Schedule("cyclical", 1, m, r); }

        /** The weight at progress {@code t} (epochs, 0 = start) of a run of {@code epochs} epochs. */
        public double value(double t, int epochs) {
            switch (type) {
                case "constant":
                    return beta;
                case "linear": {
                    // half the run: the reference's whole epochs (epochs // 2), or half of a one-epoch run
                    double mm = m > 0 ? m : epochs >= 2 ? epochs / 2 : 0.5 * epochs;
                    return Math.min(t / mm, 1.0);
                }
                default: {
                    double period = (double) epochs / m;
                    // the reference's whole-epoch cycle length ceil(period); a cycle shorter than an epoch stays as it is
                    double cycle = period >= 1 ? Math.ceil(period) : period;
                    double phase = (t % cycle) / period;
                    return phase < r ? phase / r : 1.0;
                }
            }
        }
    }

    /**
     * The six GMM parameter vectors, one value per segment (all parts concatenated in part order): variational start
     * values or prior means/stds. "Uniform" (the reference's default for both): per part, bound = count/K,
     * means_means = indexStart + bound/2 + i·bound, means_stds = 10, stds_means = bound, stds_stds = 10,
     * proportions_means = 0, proportions_stds = 1.
     */
    public record GmmValues(double[] meansMeans, double[] meansStds, double[] stdsMeans, double[] stdsStds,
                            double[] proportionsMeans, double[] proportionsStds) {
        public GmmValues {
            int k = meansMeans.length;
            for (double[] a : new double[][]{meansStds, stdsMeans, stdsStds, proportionsMeans, proportionsStds})
                if (a.length != k) throw new IllegalArgumentException("GMM vectors differ in length");
        }

        @JsonIgnore
        public int size() { return meansMeans.length; }

        public static GmmValues uniform(List<Part> parts) {
            int k = parts.stream().mapToInt(Part::segments).sum();
            double[] mm = new double[k], ms = new double[k], sm = new double[k], ss = new double[k], pm = new double[k], ps = new double[k];
            int g = 0;
            for (Part p : parts) {
                double bound = (double) p.count() / p.segments();
                for (int i = 0; i < p.segments(); i++, g++) {
                    mm[g] = p.indexStart() + bound / 2 + i * bound;
                    ms[g] = 10;
                    sm[g] = bound;
                    ss[g] = 10;
                    pm[g] = 0;
                    ps[g] = 1;
                }
            }
            return new GmmValues(mm, ms, sm, ss, pm, ps);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GmmValues v && Arrays.equals(meansMeans, v.meansMeans) && Arrays.equals(meansStds, v.meansStds)
                    && Arrays.equals(stdsMeans, v.stdsMeans) && Arrays.equals(stdsStds, v.stdsStds)
                    && Arrays.equals(proportionsMeans, v.proportionsMeans) && Arrays.equals(proportionsStds, v.proportionsStds);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(meansMeans) * 31 + Arrays.hashCode(stdsMeans);
        }
    }
}
