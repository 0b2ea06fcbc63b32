package dev.cryosphere.benchmark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.simulate.HingeMotion;
import dev.cryosphere.core.util.ConfigKeys;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.Ranges;
import dev.cryosphere.trainer.run.RunConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The spec of `cryosphere benchmark` (YAML, snake_case keys; unknown keys are errors naming the key):
 * <pre>
 * title: motion recovery vs SNR      # optional, heads benchmark.html
 * parallel: 2                        # optional: entries run at once (default 1; `--parallel N` wins)
 * defaults:                          # optional: keys every entry gets unless it sets them itself
 *   epochs: 20
 *   master: local[2]
 * entries:
 *   - name: adk-snr0.1               # folder name under B (letters, digits, . _ -); default entry1, entry2, ...
 *     structure: adk.pdb             # base structure; default the bundled demo structure (1AKE chain A)
 *     motion: {hinge: A:122-159, axis: "A:121,A:160", angles: "-20:20"}   # default with the bundled structure
 *   # motion: {conformations: [open.pdb, closed.pdb]}                     # discrete (no `structure`)
 *     n_particles: 1000
 *     box: 64                        # px
 *     apix: 2.0                      # Å/px
 *     snr: 0.1
 *     seed: 0                        # simulation, training (unless the train config has one) and k-means seed
 *     epochs: 20                     # default: the train config's (80000 images)
 *     train: run.yaml                # a train config file, or the config inline as a map
 *     master: local[2]               # Spark master of ingest, training and evaluate (spark://host:7077, yarn, ...)
 *     train_master: jvm              # default: master; jvm = train in one JVM on the driver
 *     shard_mb: 128                  # ingest --shard-mb
 *     truth_particles: 200           # particles compared with their true structure and map (evenly spaced; default all)
 *     truth_bins: 20                 # hinge: true maps at the centres of this many angle bins
 *   - name: gemmi-relion-hinge
 *     external: sets/hinge           # a set made by benchmarks/external/make_sets.py: no simulation; its truth.json
 *                                    # gives the motion, n_particles, box, apix and snr (those keys are ignored)
 *     evaluate: {clusters: 10, pcs: 2, traversal_steps: 10, rows_per_task: 64, batch: 64,
 *                distance: ["lid=A:122-159,A:1-29"], no_volumes: false, sample: false}
 *   - name: my-set                   # particles of your own with per-particle truth: no simulation; n_particles, box,
 *     particles: data/particles.star #   apix are the particles' (those keys and snr are ignored); a RELION STAR or a
 *                                    #   cryoSPARC .cs, as `cryosphere ingest --particles` reads it
 *     structure: data/base.pdb       # required: the base structure training starts from (the particles' frame)
 *     truth: data/truth.csv          # one row per particle: matched by a particle_index column (row of the particle
 *                                    #   file, from 0), else an image_name column (the image reference as the file
 *                                    #   writes it), else in order; a label and/or a coordinate column
 *     truth_label: label             # column of whole-number labels 0, 1, ... (the conformation; default 'label')
 *     truth_coordinate: coordinate   # column of a continuous coordinate (default 'coordinate')
 *     truth_structures: data/states/state_%03d.pdb   # optional: one structure per label (the label formatted in)
 *     truth_maps: data/maps/state_%03d.mrc           # optional: one map per label, the particles' box and pixel size
 * </pre>
 * Relative paths are resolved against the spec file's folder. An entry's key replaces the default's (no deep merge).
 *
 * <p>Every kind of entry has its truth in one representation ({@link BenchmarkTruth}): a label per particle (its
 * conformation: which true structure and map), a continuous coordinate per particle (a hinge angle), a structure and a
 * map per label. So the same scores run for all: with a coordinate, |Spearman| of latent PC1, R², neighbourhood
 * similarity; with labels, k-means accuracy (k = the number of labels unless evaluate.clusters); with true structures,
 * CA-RMSD; with true structures or maps, the FSCs of the compared particles ({@code truth_particles}; 0 without either).
 * A dataset's true maps are its {@code truth_maps} files; else made from its true structures: full-atom density
 * ({@link FullAtomMaps}: B 50 Å², as external sets) when the base and the true structures are full-atom (more atoms than
 * residues; each true structure then with the base's atoms in the same order), else Gaussian maps of the CA sites
 * (σ 2 Å, as simulated entries).
 * Predicted maps are made as the true ones (full-atom: the base structure's atoms moved per residue); with
 * {@code truth_maps}, full-atom when the base structure is, else Gaussian. A dataset's files are all read and checked
 * when the spec is: a bad one stops the benchmark before anything runs, naming the file and the line, column or key.
 */
public final class BenchmarkSpec {
    static final String BUNDLED = "bundled:1ake_A.pdb";
    static final String DEMO_HINGE = "A:122-159", DEMO_AXIS = "A:121,A:160", DEMO_ANGLES = "-20:20";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern MASTER = Pattern.compile("local(\\[(\\d+|\\*)(,\\d+)?])?|spark://\\S+|yarn|k8s://\\S+|mesos://\\S+");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Top level of the file. */
    public static final class Raw {
        public String title;
        public Integer parallel;
        public JsonNode defaults;
        public List<JsonNode> entries;
    }

    /** One entry as written (every key optional). */
    public static final class RawEntry {
        public String name;
        public String external;
        public String structure;
        public RawMotion motion;
        public Integer nParticles;
        public Integer box;
        public Double apix;
        public Double snr;
        public Long seed;
        public Integer epochs;
        public JsonNode train;
        public String master;
        public String trainMaster;
        public Integer shardMb;
        public Integer truthParticles;
        public Integer truthBins;
        public RawEvaluate evaluate;
        public String particles;
        public String truth;
        public String truthLabel;
        public String truthCoordinate;
        public String truthStructures;
        public String truthMaps;
    }

    public static final class RawMotion {
        public String hinge;
        public String axis;
        public String angles;
        public List<String> conformations;
    }

    public static final class RawEvaluate {
        public Integer clusters;
        public Integer pcs;
        public Integer traversalSteps;
        public Long rowsPerTask;
        public Integer batch;
        public List<String> distance;
        public Boolean noVolumes;
        public Boolean sample;
    }

    /** A validated entry with every default applied. */
    record Entry(String name, Path structure, String hinge, String axis, double[] angles, List<Path> conformations,
                 int nParticles, int box, double apix, double snr, long seed, Integer epochs, Path trainFile,
                 JsonNode trainInline, boolean trainHasSeed, String master, String trainMaster, Integer shardMb,
                 int truthParticles, int truthBins, RawEvaluate evaluate, Path external, DatasetTruth.Spec dataset) {
        boolean bundled() { return structure == null && external == null; }

        /** A user's own particles with per-particle truth: not simulated, scored against its truth table. */
        boolean isDataset() { return dataset != null; }

        /** Scored against labels only (k-means accuracy as the latent score): discrete entries, datasets without a coordinate. */
        boolean scoredByLabels() { return discrete() || (isDataset() && dataset.coordinateColumn() == null); }

        /** A set made elsewhere (benchmarks/external/make_sets.py): scored against its own files, not simulated. */
        boolean isExternal() { return external != null; }

        boolean discrete() { return conformations != null; }

        String motionLabel() {
            if (isDataset()) return "dataset" + (dataset.labelColumn() == null ? "" : " labels(" + dataset.labelCount() + ")")
                    + (dataset.coordinateColumn() == null ? "" : " coordinate " + dataset.coordinateColumn());
            String m = discrete() ? "discrete(" + conformations.size() + ")" : "hinge " + hinge;
            return isExternal() ? "external " + m : m;
        }

        String structureLabel() {
            if (isExternal()) return external.getFileName().toString() + "/base.pdb";
            if (isDataset()) return structure.getFileName().toString();
            if (discrete()) return conformations.get(0).getFileName().toString() + " (+" + (conformations.size() - 1) + ")";
            return bundled() ? "1ake_A (bundled)" : structure.getFileName().toString();
        }

        /** k for k-means: the spec's, else the number of conformations (discrete) or labels (dataset), else evaluate's default (10). */
        Integer clusters() {
            if (evaluate != null && evaluate.clusters != null) return evaluate.clusters;
            if (isDataset() && dataset.labelColumn() != null) return dataset.labelCount();
            return discrete() ? conformations.size() : null;
        }
    }

    final Path file;
    final String title;
    final int parallel;
    final List<Entry> entries;

    private BenchmarkSpec(Path file, String title, int parallel, List<Entry> entries) {
        this.file = file;
        this.title = title;
        this.parallel = parallel;
        this.entries = entries;
    }

    static BenchmarkSpec read(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException(file, null, "spec file not found");
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException(file, null, "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) throw new InputException(file, null, "expected a map with the key 'entries'");
        Raw raw = bind(file, "", root, Raw.class);
        if (raw.entries == null || raw.entries.isEmpty())
            throw new InputException(file, "key 'entries'", "needs at least one entry");
        if (raw.parallel != null && raw.parallel < 1)
            throw new InputException(file, "key 'parallel'", "must be >= 1 (entries run at once), got " + raw.parallel);
        if (raw.defaults != null) {
            if (!raw.defaults.isObject()) throw new InputException(file, "key 'defaults'", "expected a map of entry keys");
            RawEntry d = bind(file, "defaults.", raw.defaults, RawEntry.class);
            if (d.name != null) throw new InputException(file, "key 'defaults.name'", "every entry needs its own name");
        }
        Path dir = file.toAbsolutePath().getParent();
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.entries.size(); i++) {
            JsonNode node = raw.entries.get(i);
            String at = "entries[" + i + "]";
            if (!node.isObject()) throw new InputException(file, "key '" + at + "'", "expected a map of entry keys");
            ObjectNode merged = ((ObjectNode) node).deepCopy();
            if (raw.defaults != null)
                for (Iterator<Map.Entry<String, JsonNode>> it = raw.defaults.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!merged.has(f.getKey())) merged.set(f.getKey(), f.getValue());
                }
            Entry e = resolve(file, dir, at, i, bind(file, at + ".", merged, RawEntry.class));
            if (!names.add(e.name())) throw new InputException(file, "key '" + at + ".name'", "duplicate entry name '" + e.name() + "'");
            entries.add(e);
        }
        return new BenchmarkSpec(file, raw.title == null ? "cryoSPHERE benchmark" : raw.title,
                raw.parallel == null ? 1 : raw.parallel, List.copyOf(entries));
    }

    private static <T> T bind(Path file, String prefix, JsonNode node, Class<T> type) {
        try {
            return YAML.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            String p = ConfigKeys.path(e);
            String key = prefix + (p.isEmpty() ? "" : p.substring(0, p.length() - e.getPropertyName().length())) + e.getPropertyName();
            throw new InputException(file, "key '" + key + "'", "unknown setting (known: " + e.getKnownPropertyIds() + ")");
        } catch (JsonMappingException e) {
            throw new InputException(file, "key '" + prefix + ConfigKeys.path(e) + "'", e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException(file, null, e.getMessage(), e);
        }
    }

    private static Entry resolve(Path file, Path dir, String at, int i, RawEntry r) {
        String name = r.name == null ? "entry" + (i + 1) : r.name;
        if (!NAME.matcher(name).matches())
            throw new InputException(file, "key '" + at + ".name'", "'" + name + "': use letters, digits, '.', '_' and '-' (it names a folder)");
        at = at + " (" + name + ")";
        if (r.particles != null) return dataset(file, dir, at, name, r);
        for (String[] k : new String[][]{{"truth", r.truth}, {"truth_label", r.truthLabel}, {"truth_coordinate", r.truthCoordinate},
                {"truth_structures", r.truthStructures}, {"truth_maps", r.truthMaps}})
            if (k[1] != null) throw bad(file, at, k[0], "only for an entry of your own particles (key 'particles')");
        if (r.external != null) return external(file, dir, at, name, r);
        Path structure = null;
        List<Path> conformations = null;
        String hinge = null, axis = null;
        double[] angles = null;
        RawMotion m = r.motion;
        if (m != null && m.conformations != null) {
            if (m.hinge != null || m.axis != null || m.angles != null)
                throw bad(file, at, "motion", "give either hinge (with axis and angles) or conformations, not both");
            if (r.structure != null)
                throw bad(file, at, "structure", "with motion.conformations the base structure is the first conformation: leave 'structure' out");
            if (m.conformations.size() < 2) throw bad(file, at, "motion.conformations", "needs at least two structures");
            conformations = new ArrayList<>();
            for (String c : m.conformations) conformations.add(existing(file, at, "motion.conformations", dir, c));
            int n = -1;
            for (Path c : conformations) {
                int size = AtomicModel.read(c).size();
                if (n >= 0 && size != n) throw bad(file, at, "motion.conformations", c + " has " + size + " residues, the first has " + n);
                n = size;
            }
        } else {
            if (r.structure != null) structure = existing(file, at, "structure", dir, r.structure);
            if (m == null || m.hinge == null) {
                if (structure != null)
                    throw bad(file, at, "motion", "required with a structure of your own: {hinge: SEL, axis: RES,RES, angles: MIN:MAX} or {conformations: [...]}");
                if (m != null && (m.axis != null || m.angles != null)) throw bad(file, at, "motion.hinge", "missing (the residues that move)");
                hinge = DEMO_HINGE;
                axis = DEMO_AXIS;
                angles = Ranges.parse("motion.angles", DEMO_ANGLES);
            } else {
                if (m.axis == null) throw bad(file, at, "motion.axis", "missing: two residues whose CA define the hinge axis, e.g. \"A:121,A:160\"");
                hinge = m.hinge;
                axis = m.axis;
                try {
                    angles = Ranges.parse("motion.angles", m.angles == null ? DEMO_ANGLES : m.angles);
                } catch (InputException e) {
                    throw bad(file, at, "motion.angles", "expected MIN:MAX in degrees, got '" + m.angles + "'");
                }
                try {
                    AtomicModel base = structure == null ? bundledModel() : AtomicModel.read(structure);
                    HingeMotion.of(base, hinge, axis, m.angles == null ? DEMO_ANGLES : m.angles);
                } catch (InputException | IllegalArgumentException e) {
                    throw bad(file, at, "motion", e.getMessage());
                }
            }
        }
        return common(file, dir, at, name, r, structure, hinge, axis, angles, conformations,
                positive(file, at, "n_particles", r.nParticles, 1000, 10), positive(file, at, "box", r.box, 64, 8),
                r.apix == null ? 2.0 : r.apix, r.snr == null ? 0.1 : r.snr, null, null);
    }

    /**
     * An entry of a user's own particles (key particles) with per-particle truth (key truth, {@link DatasetTruth}):
     * no simulation; the particle count, box and pixel size are the particles' (n_particles, box, apix and snr are
     * ignored). The whole truth is read and checked here, so a bad file stops the benchmark before any stage.
     */
    private static Entry dataset(Path file, Path dir, String at, String name, RawEntry r) {
        if (r.external != null)
            throw bad(file, at, "particles", "give either particles (a dataset of your own) or external (a make_sets.py set), not both");
        if (r.motion != null) throw bad(file, at, "motion", "a dataset brings its own motion: leave 'motion' out (its truth is key 'truth')");
        if (r.structure == null) throw bad(file, at, "structure", "required with particles: the base structure training starts from");
        if (r.truth == null)
            throw bad(file, at, "truth", "required with particles: a CSV table, one row per particle, with a label and/or a coordinate column");
        Path particles = existing(file, at, "particles", dir, r.particles);
        Path structure = existing(file, at, "structure", dir, r.structure);
        Path truth = existing(file, at, "truth", dir, r.truth);
        DatasetTruth.Spec spec = new DatasetTruth.Spec(particles, structure, truth, r.truthLabel, r.truthCoordinate,
                r.truthStructures == null ? null : dir.resolve(r.truthStructures).normalize().toString(),
                r.truthMaps == null ? null : dir.resolve(r.truthMaps).normalize().toString(), null);
        DatasetTruth t = DatasetTruth.read(spec, file, at);
        return common(file, dir, at, name, r, structure, null, null, null, null, t.count, t.box, t.apix, Double.NaN, null,
                t.resolved(spec));
    }

    /**
     * An entry of a set made by benchmarks/external/make_sets.py (its truth.json): the motion, the particle count, box,
     * pixel size and SNR are the set's. Hinge sets score against the first hinge angle (hinge_angle_deg); the true
     * structure of a particle is its bin's conformations/conformation_KKK.pdb (any number of hinges).
     */
    private static Entry external(Path file, Path dir, String at, String name, RawEntry r) {
        if (r.structure != null || r.motion != null)
            throw bad(file, at, "external", "an external set brings its own structure and motion: leave 'structure' and 'motion' out");
        Path set = dir.resolve(r.external).normalize();
        for (String f : List.of("truth.json", "particles.star", "ground_truth.csv", "base.pdb"))
            if (!Files.isRegularFile(set.resolve(f)))
                throw bad(file, at, "external", set + " is not a set of benchmarks/external/make_sets.py: no " + f);
        JsonNode t;
        try {
            t = new ObjectMapper().readTree(set.resolve("truth.json").toFile());
        } catch (IOException e) {
            throw new InputException(set.resolve("truth.json"), null, e.getMessage(), e);
        }
        if (!"cryosphere-external-set 1".equals(t.path("format").asText()))
            throw bad(file, at, "external", set.resolve("truth.json") + ": unknown format '" + t.path("format").asText() + "'");
        List<Path> conformations = null;
        String hinge = null, axis = null;
        double[] angles = null;
        if (t.path("kind").asText().equals("discrete")) {
            conformations = new ArrayList<>();
            for (int k = 0; k < t.path("conformations").asInt(); k++)
                conformations.add(set.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", k)));
        } else {
            JsonNode h = t.path("hinges").path(0);
            hinge = h.path("moving").asText();
            axis = h.path("axis").asText();
            angles = new double[]{h.path("angles").path(0).asDouble(), h.path("angles").path(1).asDouble()};
        }
        return common(file, dir, at, name, r, null, hinge, axis, angles, conformations, t.path("count").asInt(),
                t.path("box").asInt(), t.path("apix").asDouble(), t.path("snr").asDouble(), set, null);
    }

    private static Entry common(Path file, Path dir, String at, String name, RawEntry r, Path structure, String hinge,
                                String axis, double[] angles, List<Path> conformations, int n, int box, double apix,
                                double snr, Path external, DatasetTruth.Spec dataset) {
        if (!(apix > 0) || !Double.isFinite(apix)) throw bad(file, at, "apix", "must be a positive number of Å per pixel, got " + apix);
        if (dataset == null && (!(snr >= 0) || !Double.isFinite(snr))) throw bad(file, at, "snr", "must be >= 0 (0 = no noise), got " + snr);
        Integer epochs = r.epochs == null ? null : positive(file, at, "epochs", r.epochs, 1, 1);
        String master = r.master == null ? "local[*]" : r.master.trim();
        if (!MASTER.matcher(master).matches())
            throw bad(file, at, "master", "'" + master + "': expected local[N], local[*], spark://host:port, yarn or k8s://...");
        String trainMaster = r.trainMaster == null ? master : r.trainMaster.trim();
        if (!trainMaster.equals("jvm") && !MASTER.matcher(trainMaster).matches())
            throw bad(file, at, "train_master", "'" + trainMaster + "': expected jvm (one JVM) or a Spark master");
        Integer shard = r.shardMb == null ? null : positive(file, at, "shard_mb", r.shardMb, 1, 1);
        int truthParticles = r.truthParticles == null ? n : r.truthParticles;   // default: every particle
        if (truthParticles < 0) throw bad(file, at, "truth_particles", "must be >= 0 (0: no comparison with the truth), got " + truthParticles);
        // a dataset without true structures or maps has nothing to compare a particle's structure or map with
        if (dataset != null && dataset.structures() == null && dataset.maps() == null) truthParticles = 0;
        int truthBins = positive(file, at, "truth_bins", r.truthBins, 20, 1);
        RawEvaluate ev = r.evaluate;
        if (ev != null) {
            if (ev.clusters != null) positive(file, at, "evaluate.clusters", ev.clusters, 1, 1);
            if (ev.pcs != null) positive(file, at, "evaluate.pcs", ev.pcs, 1, 1);
            if (ev.traversalSteps != null) positive(file, at, "evaluate.traversal_steps", ev.traversalSteps, 1, 1);
            if (ev.batch != null) positive(file, at, "evaluate.batch", ev.batch, 1, 1);
            if (ev.rowsPerTask != null && ev.rowsPerTask < 1) throw bad(file, at, "evaluate.rows_per_task", "must be >= 1");
        }
        if (conformations != null && ev != null && ev.clusters != null && ev.clusters < 1)
            throw bad(file, at, "evaluate.clusters", "must be >= 1");
        Path trainFile = null;
        JsonNode inline = null;
        boolean trainSeed = false;
        if (r.train != null && !r.train.isNull()) {
            if (r.train.isTextual()) {
                trainFile = existing(file, at, "train", dir, r.train.asText());
                RunConfig.read(trainFile);
                try {
                    JsonNode t = YAML.readTree(trainFile.toFile());
                    trainSeed = t != null && t.has("seed");
                } catch (IOException e) {
                    throw new InputException(trainFile, null, e.getMessage(), e);
                }
            } else if (r.train.isObject()) {
                inline = r.train;
                trainSeed = inline.has("seed");
                try {
                    Path tmp = Files.createTempFile("benchmark-train", ".yaml");
                    try {
                        YAML.writeValue(tmp.toFile(), inline);
                        RunConfig.read(tmp);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                } catch (InputException e) {
                    throw new InputException(file, at + ", train", e.where() == null ? e.getMessage()
                            : e.getMessage().substring(e.getMessage().indexOf(e.where())));
                } catch (IOException e) {
                    throw new InputException(file, at + ", train", e.getMessage(), e);
                }
            } else {
                throw bad(file, at, "train", "expected a train config file or an inline map of its keys");
            }
        }
        return new Entry(name, structure, hinge, axis, angles, conformations, n, box, apix, snr,
                r.seed == null ? 0 : r.seed, epochs, trainFile, inline, trainSeed, master, trainMaster, shard,
                Math.min(truthParticles, n), truthBins, ev, external, dataset);
    }

    public static AtomicModel bundledModel() {
        try (var in = BenchmarkSpec.class.getResourceAsStream("/demo/1ake_A.pdb")) {
            if (in == null) throw new IllegalStateException("bundled demo structure missing from the jar");
            Path tmp = Files.createTempFile("1ake_A", ".pdb");
            try {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return AtomicModel.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path existing(Path file, String at, String key, Path dir, String p) {
        Path q = dir.resolve(p).normalize();
        if (!Files.isRegularFile(q)) throw bad(file, at, key, "file not found: " + q);
        return q;
    }

    private static int positive(Path file, String at, String key, Integer v, int dflt, int min) {
        int x = v == null ? dflt : v;
        if (x < min) throw bad(file, at, key, String.format(Locale.ROOT, "must be >= %d, got %d", min, x));
        return x;
    }

    private static InputException bad(Path file, String at, String key, String problem) {
        return new InputException(file, at + ", key '" + key + "'", problem);
    }
}
