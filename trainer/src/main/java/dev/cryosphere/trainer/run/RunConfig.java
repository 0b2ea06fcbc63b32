package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.annotation.JsonMerge;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.util.ConfigKeys;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.trainer.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's training configuration (YAML, snake_case keys), every key optional. Keys left out take the value of the
 * preset ({@code preset: default}, or {@code preset: reference} for the published cryoSPHERE settings). Unknown keys are
 * errors naming the key, so a typo never silently trains with a default. Training times ({@code epochs},
 * {@code scheduler.milestones}, {@code tau_epochs}) are whole epochs or a number with its unit: "80000 images",
 * "2500 steps", "40 epochs" ({@link TrainingTime}); in images or steps a schedule does the same on any dataset size.
 * <pre>
 * preset: default             # default | reference (values below: default; the reference's in brackets where they differ)
 * segments: 8                 # K when the whole structure is one part [4]; more segments than domains is intended:
 *                             #   unused segments empty out, a domain inside one segment could not be found
 * parts:                      # or several parts: residue ranges of chains, each with its own K
 *   - {chain: A, from: 321, to: 503, segments: 4}
 * latent_dim: 8
 * latent_std_init: 0.01       # posterior std at initialisation (0: the reference's init, std ≈ 1; see ModelConfig)
 * encoder_hidden: [512, 256, 64, 64]
 * decoder_hidden: [512, 512]
 * sigma: 2.0                  # Å, Gaussian width per residue
 * tau: 0.05                   # segmentation softmax temperature
 * segmentation_units: segments # units of the GMM means/stds for the optimiser: segments (part length / K) [residues]
 * segmentation_posterior: reference # segment weights without −log s_k, as the reference; normalised: the GMM's
 *                             #   posterior (a segment pays for its width); see ModelConfig
 * tau_start:                  # optional: τ at the start, annealed geometrically to tau over tau_epochs
 * tau_epochs:
 * low_pass:                   # Å: hard low-pass of the loss target (the observed image), |k| < 1/low_pass; none by default
 * input_mask_radius:          # circular mask on the images (encoder input and loss target), radius as a fraction of
 *                             # half the box (1 = inscribed circle); none by default
 * batch_size: 32              # [128]
 * epochs: 80000 images        # rounded up to whole epochs, at least one [300]
 * seed: 0
 * lr_networks: 3.0e-4         # [3.0e-5]
 * lr_segmentation: 3.0e-2     # [3.0e-4]
 * l2: 1.0e-6
 * scheduler:                  # step decay (the reference's MultiStepLR): from each milestone on, the rates of the
 *   milestones: [20000 images, 40000 images]   # groups are multiplied by decay [none]; scheduler: null for none
 *   decay: 0.1
 *   groups: [segmentation]    # networks and/or segmentation (default when the key is left out: both)
 *   warmup: 10000 images      # optional: the groups' rates ramp linearly from 0 over this training time
 * continuity: 0.1             # constant weights of the continuity and clash losses
 * clash: 0.1
 * clash_cutoff: 4.0           # Å
 * full_clash: true            # false: the reference's light clash loss (pairs within 10 Å in the base structure)
 * kl_latent: linear           # linear | constant:<beta> | cyclical:<M>:<R>; linear ramps over half the run
 * kl_means: constant:0        # [linear]  the GMM's KL terms: off by default (with stds of 0.01 the variational GMM
 * kl_stds: constant:0         # [linear]  is nearly a point estimate, and the prior's pull towards the uniform
 * kl_proportions: constant:0  # [cyclical:5:0.5]  start held the boundaries there)
 * checkpoint_every: 1         # epochs between checkpoints (the last epoch is always saved)
 * threads: 2                  # one JVM (no --master): each batch is split across this many replicas of the model, one
 *                             #   thread each, one optimiser step [the cores, at most one per 64 images of a batch]
 * segmentation_start:         # GMM start values: the uniform start (below) with these keys replaced; each key one
 *   means_stds: 0.01          #   number per segment (all parts, in residue order) or one number for every segment.
 *   stds_stds: 0.01           #   Uniform, per part of n residues and K segments: means_means = first + n/K·(i + ½),
 *   proportions_stds: 0.01    #   means_stds = 10, stds_means = n/K, stds_stds = 10, proportions_means = 0,
 *                             #   proportions_stds = 1 [the uniform start; segmentation_start: null gives it too]
 * segmentation_prior: {}      # the prior's means/stds, same keys (default: the uniform numbers)
 * spark:                      # only used with `train --master ...` (distributed training); see {@link SparkSettings}
 *   training_master: averaging # averaging (parameter averaging, exact) | shared (gradient sharing, threshold encoding)
 *   batch_per_worker: 32      # examples per step on each worker (default: batch_size)
 *   workers_per_node: 1       # model replicas per executor: 1 on CPU, the GPU count per executor on GPU nodes
 *   threshold:                # shared: initial threshold of the adaptive threshold encoding (default: the smaller
 *                             #   learning rate / 10; Adam steps are about the rate, larger thresholds hold them back)
 *   averaging_frequency: 5    # averaging: steps between parameter averages
 *   epoch_retries: 2          # a failed epoch is redone from the state before it at most this many times
 * </pre>
 * Why these defaults (measured on sets made outside our forward model, RELION projections of full-atom maps; figures in
 * docs/benchmarks.md): with the reference's settings the segmentation keeps its start (Adam moves a GMM mean held in
 * residues ~0.03 residues per step, and the KL terms pull it back to the uniform prior), so a domain the start did not
 * happen to cover is never found. In segment units, with more segments than domains, higher rates and the GMM's rate
 * decayed once the boundaries have settled, the boundaries move to the domains from a start offset by 20+ residues.
 */
public final class RunConfig {
    /** Where the values of the keys a file leaves out come from: "default" (this project's) or "reference" (the paper's). */
    public String preset = "default";
    public Integer segments = 8;
    public List<PartSpec> parts;
    public Integer latentDim = 8;
    public Double latentStdInit = ModelConfig.DEFAULT_LATENT_STD_INIT;
    public List<Integer> encoderHidden = List.of(512, 256, 64, 64);
    public List<Integer> decoderHidden = List.of(512, 512);
    public Double sigma = 2.0;
    public Double tau = 0.05;
    public String segmentationUnits = "segments";
    public String segmentationPosterior = "reference";
    public Double tauStart;
    public TrainingTime tauEpochs;
    public Double lowPass;
    public Double inputMaskRadius;
    public Integer batchSize = 32;
    public TrainingTime epochs = new TrainingTime(80_000, TrainingTime.Unit.IMAGES);
    public Long seed = 0L;
    public Double lrNetworks = 3e-4;
    public Double lrSegmentation = 3e-2;
    public Double l2 = 1e-6;
    public SchedulerSpec scheduler = SchedulerSpec.of(0.1, List.of("segmentation"),
            new TrainingTime(20_000, TrainingTime.Unit.IMAGES), new TrainingTime(40_000, TrainingTime.Unit.IMAGES))
            .warmingUpOver(new TrainingTime(10_000, TrainingTime.Unit.IMAGES));
    public Double continuity = 0.1;
    public Double clash = 0.1;
    public Double clashCutoff = 4.0;
    public Boolean fullClash = true;
    public String klLatent = "linear";
    public String klMeans = "constant:0";
    public String klStds = "constant:0";
    public String klProportions = "constant:0";
    public Integer checkpointEvery = 1;
    /** Threads of single-JVM training ({@link SplitBatchStep}); null = {@link SplitBatchStep#auto}. */
    public Integer threads;
    @JsonMerge public GmmSpec segmentationStart = GmmSpec.startStds(0.01);   // a file's keys replace the preset's one by one
    @JsonMerge public GmmSpec segmentationPrior;
    public SparkSettings spark = new SparkSettings();

    /** The presets, by name. */
    public static final List<String> PRESETS = List.of("default", "reference");

    /**
     * The settings of a preset. "default": this project's, chosen on independently made sets (see the class comment).
     * "reference": the published cryoSPHERE defaults (K = 4 in residue units, rates 3e-5/3e-4, batch 128, 300 epochs,
     * linear KL ramps on the GMM and a cyclical one on its proportions, the uniform start with stds 10/10/1, no
     * learning-rate decay); what still differs from the paper's code is listed in the user guide (image scaling and
     * the latent's start std, both measured to keep the latent from collapsing).
     */
    public static RunConfig preset(String name) {
        RunConfig c = new RunConfig();
        switch (name) {
            case "default":
                return c;
            case "reference":
                c.preset = "reference";
                c.segments = 4;
                c.segmentationUnits = "residues";
                c.batchSize = 128;
                c.epochs = TrainingTime.epochs(300);
                c.lrNetworks = 3e-5;
                c.lrSegmentation = 3e-4;
                c.scheduler = null;
                c.klMeans = "linear";
                c.klStds = "linear";
                c.klProportions = "cyclical:5:0.5";
                c.segmentationStart = null;
                return c;
            default:
                throw new IllegalArgumentException("default or reference, not '" + name + "'");
        }
    }

    /** A residue range of one chain segmented on its own. */
    public static final class PartSpec {
        @JsonProperty(required = true) public String chain;
        @JsonProperty(required = true) public Integer from;
        @JsonProperty(required = true) public Integer to;
        @JsonProperty(required = true) public Integer segments;
    }

    /** The optional learning-rate step decay. */
    public static final class SchedulerSpec {
        @JsonProperty(required = true) public List<TrainingTime> milestones;
        @JsonProperty(required = true) public Double decay;
        public List<String> groups = List.of("networks", "segmentation");
        /** Optional linear warm-up of the groups' rates from 0 (epochs or "N images"/"N steps"). */
        public TrainingTime warmup;

        static SchedulerSpec of(double decay, List<String> groups, TrainingTime... milestones) {
            SchedulerSpec s = new SchedulerSpec();
            s.milestones = List.of(milestones);
            s.decay = decay;
            s.groups = groups;
            return s;
        }

        SchedulerSpec warmingUpOver(TrainingTime warmup) {
            this.warmup = warmup;
            return this;
        }

        ModelConfig.LrSchedule toSchedule(long images, int batch, Object source) {
            if (groups == null || groups.isEmpty()) groups = List.of("networks", "segmentation");
            for (String g : groups)
                if (!g.equals("networks") && !g.equals("segmentation"))
                    throw new InputException(source, "key 'scheduler.groups'", "networks or segmentation, not '" + g + "'");
            try {
                List<Double> at = new ArrayList<>();
                for (TrainingTime m : milestones) at.add(m.epochs(images, batch));
                double ramp = warmup == null ? 0 : warmup.epochs(images, batch);
                return new ModelConfig.LrSchedule(at, decay, groups.contains("networks"), groups.contains("segmentation"), ramp);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InputException(source, "key 'scheduler'", String.valueOf(e.getMessage()));
            }
        }
    }

    /** GMM values given by the user: per key one number per segment, or one number for all; absent = uniform. */
    public static final class GmmSpec {
        public List<Double> meansMeans, meansStds, stdsMeans, stdsStds, proportionsMeans, proportionsStds;

        /** The uniform start with every variational std (means, stds, proportions) set to {@code std}. */
        static GmmSpec startStds(double std) {
            GmmSpec g = new GmmSpec();
            g.meansStds = List.of(std);
            g.stdsStds = List.of(std);
            g.proportionsStds = List.of(std);
            return g;
        }

        ModelConfig.GmmValues over(ModelConfig.GmmValues uniform, String key, Object source) {
            return new ModelConfig.GmmValues(
                    values(meansMeans, uniform.meansMeans(), key + ".means_means", source),
                    values(meansStds, uniform.meansStds(), key + ".means_stds", source),
                    values(stdsMeans, uniform.stdsMeans(), key + ".stds_means", source),
                    values(stdsStds, uniform.stdsStds(), key + ".stds_stds", source),
                    values(proportionsMeans, uniform.proportionsMeans(), key + ".proportions_means", source),
                    values(proportionsStds, uniform.proportionsStds(), key + ".proportions_stds", source));
        }

        private static double[] values(List<Double> given, double[] uniform, String key, Object source) {
            if (given == null) return uniform;
            int k = uniform.length;
            if (given.size() != 1 && given.size() != k)
                throw new InputException(source, "key '" + key + "'", "expected one number or " + k
                        + " (one per segment), got " + given.size());
            double[] out = new double[k];
            for (int i = 0; i < k; i++) {
                Double v = given.get(given.size() == 1 ? 0 : i);
                if (v == null || !Double.isFinite(v))
                    throw new InputException(source, "key '" + key + "'", "not a finite number: " + v);
                out[i] = v;
            }
            return out;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);   // segments: 2.7 is an error, not 2

    /** The default preset's settings (what {@code train} uses without --config). */
    public static RunConfig defaults() {
        return preset("default");
    }

    public static RunConfig read(Path file) {
        try {
            JsonNode tree = YAML.readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull())
                throw new InputException(file, null, "the configuration file is empty (every key is optional: write {} "
                        + "for the defaults, or leave out --config)");
            if (!tree.isObject())
                throw new InputException(file, null, "expected settings as `key: value` lines, got "
                        + (tree.isArray() ? "a list" : "a single value: " + tree));
            JsonNode name = tree.get("preset");
            RunConfig c;
            try {
                c = preset(name == null ? "default" : name.isTextual() ? name.asText() : name.toString());
            } catch (IllegalArgumentException e) {
                throw new InputException(file, "key 'preset'", e.getMessage());
            }
            // the file's keys over the preset's values (a key given as null clears an optional setting, e.g. scheduler)
            c = YAML.readerForUpdating(c).readValue(tree);
            if (c.spark == null) c.spark = new SparkSettings();
            try {
                c.spark.shared();
            } catch (IllegalArgumentException e) {
                throw new InputException(file, "key 'spark.training_master'", e.getMessage());
            }
            c.validate(file);
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new InputException(file, "key '" + ConfigKeys.path(e) + "'", "unknown setting (known: "
                    + e.getKnownPropertyIds() + ")");
        } catch (MismatchedInputException e) {
            String key = ConfigKeys.path(e);
            Class<?> t = e.getTargetType();
            String value = e instanceof InvalidFormatException f
                    ? (f.getValue() instanceof String str ? " '" + str + "'" : " " + f.getValue()) : "";
            if (t == Integer.class || t == int.class || t == Long.class || t == long.class)
                throw new InputException(file, "key '" + key + "'", "must be a whole number, got" + valueOf(e, value));
            if (t == Double.class || t == double.class)
                throw new InputException(file, "key '" + key + "'", "must be a number, got" + valueOf(e, value));
            throw new InputException(file, "key '" + key + "'", e.getOriginalMessage());
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            // a value its type refused (TrainingTime): the type's reason
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new InputException(file, "key '" + ConfigKeys.path(e) + "'", String.valueOf(why.getMessage()));
        } catch (JsonMappingException e) {
            throw new InputException(file, "key '" + ConfigKeys.path(e) + "'", e.getOriginalMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // YAML syntax, or a value the parser cannot read (.nan, .inf): one line with its line number
            var at = e.getLocation();
            throw new InputException(file, at == null ? null : "line " + at.getLineNr(),
                    String.valueOf(e.getOriginalMessage()).replace('\n', ' '), e);
        } catch (IOException e) {
            throw new InputException(file, null, "cannot read the configuration: " + e.getMessage(), e);
        }
    }

    /** The offending value of a mismatched input, from the message when Jackson does not keep it. */
    private static String valueOf(MismatchedInputException e, String value) {
        if (!value.isBlank()) return value;
        String m = String.valueOf(e.getOriginalMessage());
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("value \\(([^)]*)\\)|String \"([^\"]*)\"").matcher(m);
        if (v.find()) return " " + (v.group(1) != null ? v.group(1) : "'" + v.group(2) + "'");
        return ": " + m;
    }

    /**
     * Every setting checked before anything is written, the error naming the YAML key: whole numbers at least 1
     * where a count is meant, rates and lengths positive and finite, weights finite and not negative. Keys given
     * without a value (null) are errors too (leave a key out for its default).
     */
    void validate(Object source) {
        if (parts == null || parts.isEmpty()) atLeastOne(segments, "segments", source);
        atLeastOne(latentDim, "latent_dim", source);
        atLeastOne(batchSize, "batch_size", source);
        required(epochs, "epochs", source);
        atLeastOne(checkpointEvery, "checkpoint_every", source);
        if (threads != null) atLeastOne(threads, "threads", source);
        required(seed, "seed", source);
        layers(encoderHidden, "encoder_hidden", source);
        layers(decoderHidden, "decoder_hidden", source);
        positiveFinite(lrNetworks, "lr_networks", source);
        positiveFinite(lrSegmentation, "lr_segmentation", source);
        positiveFinite(sigma, "sigma", source);
        positiveFinite(tau, "tau", source);
        positiveFinite(clashCutoff, "clash_cutoff", source);
        if (tauStart != null || tauEpochs != null) {          // an annealing needs both
            positiveFinite(tauStart, "tau_start", source);
            required(tauEpochs, "tau_epochs", source);
        }
        notNegative(l2, "l2", source);
        notNegative(continuity, "continuity", source);
        notNegative(clash, "clash", source);
        notNegative(latentStdInit, "latent_std_init", source);
        required(fullClash, "full_clash", source);
        for (String[] kv : new String[][]{{klLatent, "kl_latent"}, {klMeans, "kl_means"}, {klStds, "kl_stds"},
                {klProportions, "kl_proportions"}}) {
            required(kv[0], kv[1], source);
            schedule(kv[0], kv[1], source);
        }
        if (latentStdInit != 0 && !(latentStdInit > STD_FLOOR))
            throw new InputException(source, "key 'latent_std_init'", "must be 0 (the reference's initialisation) or larger "
                    + "than the std floor " + STD_FLOOR + ", got " + latentStdInit);
        if (parts != null)
            for (int i = 0; i < parts.size(); i++) atLeastOne(parts.get(i).segments, "parts[" + i + "].segments", source);
        if (scheduler != null) {
            if (scheduler.milestones == null || scheduler.milestones.isEmpty())
                throw new InputException(source, "key 'scheduler.milestones'", "must list at least one epoch");
            for (int i = 0; i < scheduler.milestones.size(); i++)
                required(scheduler.milestones.get(i), "scheduler.milestones[" + i + "]", source);
            if (scheduler.decay == null || !(scheduler.decay > 0 && scheduler.decay <= 1))
                throw new InputException(source, "key 'scheduler.decay'", "must be a number in (0, 1], got " + scheduler.decay);
        }
    }

    /** ModelConfig's floor of the latent and segment standard deviations ({@code ModelConfig.defaults}). */
    private static final double STD_FLOOR = 1e-3;

    private static void required(Object v, String key, Object source) {
        if (v == null) throw new InputException(source, "key '" + key + "'", "has no value (leave the key out for its default)");
    }

    private static void atLeastOne(Integer v, String key, Object source) {
        required(v, key, source);
        if (v < 1) throw new InputException(source, "key '" + key + "'", "must be at least 1, got " + v);
    }

    private static void layers(List<Integer> sizes, String key, Object source) {
        required(sizes, key, source);
        for (int i = 0; i < sizes.size(); i++) atLeastOne(sizes.get(i), key + "[" + i + "]", source);
    }

    private static void positiveFinite(Double v, String key, Object source) {
        required(v, key, source);
        if (!(v > 0 && Double.isFinite(v)))
            throw new InputException(source, "key '" + key + "'", "must be a positive finite number, got " + v);
    }

    private static void notNegative(Double v, String key, Object source) {
        required(v, key, source);
        if (!(v >= 0 && Double.isFinite(v)))
            throw new InputException(source, "key '" + key + "'", "must be a finite number, 0 or more, got " + v);
    }

    /**
     * The model configuration for a dataset of {@code images} images of this box, pixel size and normalisation, and
     * this base structure; training times given in images or steps become epochs of this dataset.
     */
    public ModelConfig toModelConfig(int box, double apix, double fStd, AtomicModel base, long images, Object source) {
        List<ModelConfig.Part> p = new ArrayList<>();
        if (parts == null || parts.isEmpty()) {
            p.add(ModelConfig.Part.whole(base.size(), positive(segments, "segments", source)));
            atMostResidues(p.get(0), "segments", source);
        } else {
            for (int i = 0; i < parts.size(); i++) {
                PartSpec s = parts.get(i);
                try {
                    p.add(ModelConfig.Part.chainRange(base, s.chain, s.from, s.to, positive(s.segments, "parts[" + i + "].segments", source)));
                } catch (IllegalArgumentException e) {
                    throw new InputException(source, "key 'parts[" + i + "]'", e.getMessage());
                }
            }
            for (int i = 0; i < p.size(); i++) atMostResidues(p.get(i), "parts[" + i + "].segments", source);
            p.sort(java.util.Comparator.comparingInt(ModelConfig.Part::first));
        }
        ModelConfig.GmmValues uniform = ModelConfig.GmmValues.uniform(p);
        ModelConfig.GmmValues start = segmentationStart == null ? null : segmentationStart.over(uniform, "segmentation_start", source);
        ModelConfig.GmmValues prior = segmentationPrior == null ? null : segmentationPrior.over(uniform, "segmentation_prior", source);
        if (start != null) requirePositiveStds(start, "segmentation_start", source);
        if (prior != null) requirePositiveStds(prior, "segmentation_prior", source);
        try {
            ModelConfig d = ModelConfig.defaults(box, apix, base.size(), p.get(0).segments());
            return new ModelConfig(box, apix, sigma, fStd, latentDim, encoderHidden, decoderHidden, d.leakySlope(), p, tau,
                    d.stdFloor(), d.epsilonKl(), lrNetworks, lrSegmentation, l2,
                    ModelConfig.Schedule.constant(continuity), ModelConfig.Schedule.constant(clash), clashCutoff, fullClash,
                    schedule(klLatent, "kl_latent", source), schedule(klMeans, "kl_means", source),
                    schedule(klStds, "kl_stds", source), schedule(klProportions, "kl_proportions", source),
                    start, prior, optionalPositive(lowPass, "low_pass", source),
                    optionalPositive(inputMaskRadius, "input_mask_radius", source), batchSize,
                    epochs.wholeEpochs(images, batchSize), seed, latentStdInit,
                    scheduler == null ? null : scheduler.toSchedule(images, batchSize, source), units(segmentationUnits, source),
                    tauStart, tauStart == null ? null : tauEpochs.epochs(images, batchSize),
                    posterior(segmentationPosterior, source));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InputException(source, "configuration", String.valueOf(e.getMessage()));
        }
    }

    private static String units(String value, Object source) {
        if (value == null || !ModelConfig.UNITS.contains(value))
            throw new InputException(source, "key 'segmentation_units'", "residues or segments, not '" + value + "'");
        return value;
    }

    private static String posterior(String value, Object source) {
        if (value == null || !ModelConfig.POSTERIORS.contains(value))
            throw new InputException(source, "key 'segmentation_posterior'", "reference or normalised, not '" + value + "'");
        return value;
    }

    static ModelConfig.Schedule schedule(String text, String key, Object source) {
        String[] f = text.trim().split(":");
        try {
            switch (f[0]) {
                case "linear":
                    if (f.length == 1) return ModelConfig.Schedule.linear();
                    break;
                case "constant":
                    if (f.length == 2) return ModelConfig.Schedule.constant(Double.parseDouble(f[1]));
                    break;
                case "cyclical":
                    if (f.length == 3) return ModelConfig.Schedule.cyclical(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputException(source, "key '" + key + "'", "expected linear, constant:<beta> or cyclical:<M>:<R>, got '" + text + "'");
    }

    /** A std of 0 makes its KL term infinite (NaN even under a zero weight); a small positive std is nearly deterministic. */
    private static void requirePositiveStds(ModelConfig.GmmValues g, String key, Object source) {
        String[] names = {"means_stds", "stds_stds", "proportions_stds"};
        double[][] stds = {g.meansStds(), g.stdsStds(), g.proportionsStds()};
        for (int i = 0; i < 3; i++)
            for (double v : stds[i])
                if (!(v > 0)) throw new InputException(source, "key '" + key + "." + names[i] + "'", "must be positive (a small value such as 0.01 gives a nearly fixed segmentation), got " + v);
    }

    /** More segments than residues leaves segments without residues (measured: no epoch finished). */
    private static void atMostResidues(ModelConfig.Part part, String key, Object source) {
        if (part.segments() > part.count())
            throw new InputException(source, "key '" + key + "'", part.segments() + " segments for a part of " + part.count()
                    + " residues: at most one segment per residue");
    }

    private static Double optionalPositive(Double v, String key, Object source) {
        if (v != null && !(v > 0 && Double.isFinite(v)))
            throw new InputException(source, "key '" + key + "'", "must be a positive number, got " + v);
        return v;
    }

    private static int positive(Integer v, String key, Object source) {
        if (v == null || v < 1) throw new InputException(source, "key '" + key + "'", "must be a positive integer, got " + v);
        return v;
    }

    public int checkpointEvery() { return checkpointEvery == null || checkpointEvery < 1 ? 1 : checkpointEvery; }

    /** The threads of single-JVM training on a machine with {@code cores} cores: {@code threads}, or the automatic choice. */
    public int threads(int cores) { return threads != null ? threads : SplitBatchStep.auto(batchSize, cores); }
}
