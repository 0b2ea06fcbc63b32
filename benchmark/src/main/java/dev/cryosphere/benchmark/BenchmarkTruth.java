package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.MrcWriter;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.Fsc;
import dev.cryosphere.core.physics.GaussianVolume;
import dev.cryosphere.core.simulate.HingeMotion;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.evaluate.job.ParticleTask;
import dev.cryosphere.trainer.run.TrainedModel;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Ground truth of a simulated benchmark entry and the scores against it. The truth is what `simulate` wrote:
 * ground_truth.csv (per particle: conformation, hinge angle), base.pdb and conformations/. True structures are the
 * simulator's own ({@link HingeMotion#at} of the particle's angle, or its conformation); true maps are Gaussian maps of
 * them (hinge: at the centre of the particle's angle bin, {@code truth_bins} bins over the range, as CryoBench's
 * discretised sets), the forward model that made the simulated images. External sets (make_sets.py, images from
 * full-atom maps) instead have full-atom true maps of each conformation bin and full-atom predicted maps
 * ({@link FullAtomMaps}, {@link DecodedMotions}). Dataset entries (a user's particles with a truth table,
 * {@link DatasetTruth}) are put in the same form (labels as conformations, the coordinate as the angle, per-label
 * structures as the bins'), so that one scoring serves every kind; a score whose truth is missing is NaN.
 */
public final class BenchmarkTruth {
    /** Per particle of the simulation, dataset order (particle_index = row). */
    final int[] conformation;
    final double[] angle;
    final double[] angle2;            // external two-hinge sets: the second hinge's angle (hinge2_angle_deg), else null
    final int[] moving2;              // and its moving residues
    final AtomicModel base;
    final HingeMotion hinge;          // null for discrete entries
    final List<double[]> conformations; // discrete: coordinates of each conformation
    final List<double[]> bins;          // external hinge sets: CA sites of each bin (conformation column), else null
    final BenchmarkSpec.Entry entry;
    final FullAtomMaps fullAtom;        // external sets: full-atom true and predicted maps; null: Gaussian maps
    final DatasetTruth dataset;         // dataset entries: their truth table and files (then angle = its coordinate)

    private BenchmarkTruth(BenchmarkSpec.Entry e, int[] conformation, double[] angle, double[] angle2, int[] moving2,
                           AtomicModel base, HingeMotion hinge, List<double[]> conformations, List<double[]> bins,
                           FullAtomMaps fullAtom, DatasetTruth dataset) {
        this.entry = e;
        this.dataset = dataset;
        this.fullAtom = fullAtom;
        this.angle2 = angle2;
        this.moving2 = moving2;
        this.bins = bins;
        this.conformation = conformation;
        this.angle = angle;
        this.base = base;
        this.hinge = hinge;
        this.conformations = conformations;
    }

    /** Reads the simulation folder of an entry. */
    static BenchmarkTruth read(BenchmarkSpec.Entry e, Path sim) throws IOException {
        if (e.isDataset()) return readDataset(e);
        CsvTable truth = CsvTable.read(sim.resolve("ground_truth.csv"));
        int n = truth.size();
        int[] conf = new int[n];
        double[] angle = new double[n];
        double[] angle2 = truth.has("hinge2_angle_deg") ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            if (truth.integer(i, "particle_index") != i)
                throw new InputException(truth.file(), "line " + truth.line(i), "is not particle " + i + " (rows in particle order)");
            conf[i] = (int) truth.integer(i, "conformation");
            angle[i] = truth.number(i, "hinge_angle_deg");
            if (angle2 != null) angle2[i] = truth.number(i, "hinge2_angle_deg");
        }
        AtomicModel base = AtomicModel.read(sim.resolve("base.pdb"));
        HingeMotion h = null;
        List<double[]> confs = null;
        if (e.discrete()) {
            confs = new ArrayList<>();
            for (int k = 0; k < e.conformations().size(); k++)
                confs.add(AtomicModel.read(sim.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", k))).coordinates());
        } else {
            h = HingeMotion.of(base, e.hinge(), e.axis(), e.angles()[0] + ":" + e.angles()[1]);
        }
        List<double[]> bins = null;
        if (e.isExternal() && !e.discrete()) {
            // benchmarks/external/make_sets.py: each particle has its bin's structure (one or more hinges)
            bins = new ArrayList<>();
            int k = Arrays.stream(conf).max().orElse(-1);
            for (int b = 0; b <= k; b++)
                bins.add(AtomicModel.read(sim.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", b))).coordinates());
        }
        int[] moving2 = angle2 == null ? null : secondHinge(e, base);
        FullAtomMaps fullAtom = e.isExternal() ? FullAtomMaps.read(e.external(), e.box(), e.apix()) : null;
        return new BenchmarkTruth(e, conf, angle, angle2, moving2, base, h, confs, bins, fullAtom, null);
    }

    /**
     * A dataset entry's truth in the same representation: its labels as the conformations (the map bins), its
     * coordinate in place of the hinge angle, its true structures per label as the bins' structures. True maps: its
     * MRC files, else full-atom maps of its true structures ({@link FullAtomMaps#forDataset}), else Gaussian maps of
     * their sites, as simulated entries.
     */
    private static BenchmarkTruth readDataset(BenchmarkSpec.Entry e) {
        DatasetTruth t = e.dataset().checked();
        int[] conf = t.labels != null ? t.labels : new int[t.count];   // no labels: one bin, and no maps to compare with
        List<double[]> bins = null;
        if (t.structureFiles != null) {
            bins = new ArrayList<>(java.util.Collections.nCopies(t.labelCount(), (double[]) null));
            for (Map.Entry<Integer, Path> f : t.structureFiles.entrySet()) bins.set(f.getKey(), AtomicModel.read(f.getValue()).coordinates());
        }
        FullAtomMaps fullAtom = FullAtomMaps.forDataset(e.structure(), t.structureFiles, t.mapFiles != null, e.box(), e.apix());
        return new BenchmarkTruth(e, conf, t.coordinate, null, null, AtomicModel.read(e.structure()), null, null, bins,
                fullAtom, t);
    }

    /** The particles have a true label (simulated or external conformations, a dataset's label column). */
    boolean hasLabels() {
        return hinge == null && (dataset == null || dataset.labels != null);
    }

    /** True structures exist for every particle (simulated, external, a dataset with truth_structures). */
    boolean hasStructures() {
        return dataset == null || dataset.structureFiles != null;
    }

    /** The true continuous coordinate of every particle (hinge angle, a dataset's coordinate column), or null. */
    double[] coordinate() {
        return hinge != null || dataset != null ? angle : null;
    }

    /** The moving residues of an external set's second hinge (truth.json hinges[1].moving). */
    private static int[] secondHinge(BenchmarkSpec.Entry e, AtomicModel base) throws IOException {
        var truth = new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.external().resolve("truth.json").toFile());
        String moving = truth.path("hinges").path(1).path("moving").asText(null);
        if (moving == null) throw new IllegalStateException(e.external().resolve("truth.json") + ": hinge2_angle_deg in "
                + "ground_truth.csv but no second hinge");
        return dev.cryosphere.core.format.ResidueSelection.parse(moving).indices(base);
    }

    int count() { return conformation.length; }

    /** The particles compared with the truth: {@code truth_particles} evenly spaced indices. */
    long[] particles() {
        int m = entry.truthParticles(), n = count();
        long[] p = new long[m];
        for (int k = 0; k < m; k++) p[k] = (long) Math.floor((double) k * n / m);
        return p;
    }

    /** The true structure of particle {@code i}. */
    double[] structure(int i) {
        if (bins != null) return bins.get(conformation[i]);
        return hinge != null ? hinge.at(angle[i]) : conformations.get(conformation[i]);
    }

    /** Bin of particle {@code i}'s truth map: its conformation, or its hinge-angle bin. */
    int mapBin(int i) {
        if (hinge == null || bins != null) return conformation[i];
        double lo = entry.angles()[0], hi = entry.angles()[1];
        if (hi <= lo) return 0;
        return (int) Math.min(entry.truthBins() - 1, Math.max(0, Math.floor((angle[i] - lo) / (hi - lo) * entry.truthBins())));
    }

    double[] mapStructure(int bin) {
        if (bins != null) return bins.get(bin);
        if (hinge == null) return conformations.get(bin);
        double lo = entry.angles()[0], hi = entry.angles()[1];
        return hinge.at(hi <= lo ? lo : lo + (bin + 0.5) * (hi - lo) / entry.truthBins());
    }

    /**
     * Writes DIR/maps/*.mrc (one per bin used by the compared particles), DIR/labels.csv (particle_index,map) and
     * DIR/particles.txt (the compared particle indices, for evaluate --structures indices=FILE).
     */
    void writeMaps(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("maps"));
        long[] particles = particles();
        String[] maps = new String[particles.length];
        StringBuilder list = new StringBuilder("particle_index\n");
        Map<Integer, String> written = new HashMap<>();
        for (int k = 0; k < particles.length; k++) {
            long p = particles[k];
            int bin = mapBin((int) p);
            maps[k] = written.computeIfAbsent(bin, b -> {
                String f = mapFile(b);
                if (dataset != null && dataset.mapFiles != null) {
                    // the dataset's own map (checked: the particles' box and pixel size), as given
                    try {
                        Files.copy(dataset.mapFiles.get(b), dir.resolve("maps").resolve(f));
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                    return f;
                }
                Volume v = fullAtom != null ? fullAtom.binMap(b)
                        : GaussianVolume.render(mapStructure(b), base.amplitudes(), entry.box(), entry.apix(), 2.0);
                MrcWriter.writeVolume(dir.resolve("maps").resolve(f), v);
                return f;
            });
            list.append(p).append('\n');
        }
        writeLabels(dir.resolve("labels.csv"), particles, maps);
        Files.writeString(dir.resolve("particles.txt"), list);
    }

    /** labels.csv: particle_index,map per compared particle, through {@link CsvTable#printer} (a map name is quoted where it needs it). */
    static void writeLabels(Path file, long[] particles, String[] maps) throws IOException {
        try (CSVPrinter out = CsvTable.printer(Files.newBufferedWriter(file))) {
            out.printRecord("particle_index", "map");
            for (int k = 0; k < particles.length; k++) out.printRecord(particles[k], maps[k]);
        }
    }

    /** Scores of one entry (NaN where not measured). */
    record Scores(double spearman, double kmeansAccuracy, double segmentSeparation, double distanceSpearman,
                  double r2, double r2Second, double separationSecond, int compared, double res05, double res0143, double auc,
                  double baseRes0143, double baseAuc, double rmsd, double baseRmsd, double imagesPerSecond, double loss,
                  double[] pc1, CryoBenchScoring.Result cryobench) {}

    /** Map file name of a bin, as {@link #writeMaps} writes it. */
    String mapFile(int bin) {
        return String.format(Locale.ROOT, hinge == null ? "conformation_%03d.mrc" : "bin_%03d.mrc", bin);
    }

    Scores score(Path eval, Path run, Path truthDir) throws IOException {
        Map<Long, double[]> clusters = readCsv(eval.resolve("clusters.csv"), "cluster", "pc1");
        int n = count();
        double[] pc1 = new double[n];
        int[] cluster = new int[n];
        Arrays.fill(pc1, Double.NaN);
        for (Map.Entry<Long, double[]> c : clusters.entrySet()) {
            int i = (int) (long) c.getKey();
            cluster[i] = (int) c.getValue()[0];
            pc1[i] = c.getValue()[1];
        }
        if (clusters.size() != n) throw new IllegalStateException("clusters.csv has " + clusters.size() + " rows, the simulation " + n);
        double spearman = Double.NaN, accuracy = Double.NaN;
        double separation = Double.NaN, distance = Double.NaN, r2 = Double.NaN, r2Second = Double.NaN, separationSecond = Double.NaN;
        if (hinge != null) {
            spearman = Math.abs(spearman(pc1, angle));
            int[] segments = meanSegments(run);
            separation = segmentSeparation(segments, hinge.moving());
            double[][] z = latentMeans(eval.resolve("latents.csv"), n);
            r2 = LatentFit.rSquared(z, angle);
            if (angle2 != null) {
                r2Second = LatentFit.rSquared(z, angle2);
                separationSecond = segmentSeparation(segments, moving2);
            }
            distance = distanceSpearman(eval.resolve("distances.csv"), n, angle);
        } else if (coordinate() != null) {
            // a dataset's coordinate: the hinge angle's scores that need no hinge
            spearman = Math.abs(spearman(pc1, angle));
            r2 = LatentFit.rSquared(latentMeans(eval.resolve("latents.csv"), n), angle);
            distance = distanceSpearman(eval.resolve("distances.csv"), n, angle);
        }
        if (hasLabels()) accuracy = clusterAccuracy(cluster, conformation);

        int compared = 0;
        double res05 = Double.NaN, res0143 = Double.NaN, auc = Double.NaN, baseRes = Double.NaN, baseAuc = Double.NaN;
        double rmsd = Double.NaN, baseRmsd = Double.NaN;
        long[] sel = particles();
        Map<Long, float[]> predicted = Map.of();
        Map<Integer, Volume> truthMaps = new HashMap<>();
        if (sel.length > 0) {
            if (fullAtom == null) {
                // evaluate compared its Gaussian maps with the (Gaussian) true maps; external entries: below
                Map<Long, double[]> fsc = readCsv(eval.resolve("fsc_per_particle.csv"), "res_0.5", "res_0.143", "auc");
                compared = fsc.size();
                res05 = median(fsc.values().stream().mapToDouble(v -> v[0]).toArray());
                res0143 = median(fsc.values().stream().mapToDouble(v -> v[1]).toArray());
                auc = fsc.values().stream().mapToDouble(v -> v[2]).average().orElse(Double.NaN);
            }
            // each compared particle's true map, read once (the base structure's FSC and CryoBench's scoring use them)
            for (long p : sel) truthMaps.computeIfAbsent(mapBin((int) p), b -> readMap(truthDir.resolve("maps").resolve(mapFile(b))));
            // the base structure's map against the same truth maps: what "no motion at all" scores
            Volume baseMap = fullAtom != null ? fullAtom.map(fullAtom.base.xyz())
                    : GaussianVolume.render(base.coordinates(), base.amplitudes(), entry.box(), entry.apix(), 2.0);
            Map<Integer, Fsc.Curve> byBin = new HashMap<>();
            double[] bRes = new double[sel.length], bAuc = new double[sel.length];
            for (int k = 0; k < sel.length; k++) {
                int bin = mapBin((int) sel[k]);
                Fsc.Curve c = byBin.computeIfAbsent(bin, b -> Fsc.compute(baseMap, truthMaps.get(b)));
                bRes[k] = c.resolutionAt(0.143);
                bAuc[k] = ParticleTask.auc(c);
            }
            baseRes = median(bRes);
            baseAuc = Arrays.stream(bAuc).average().orElse(Double.NaN);

            predicted = readStructures(eval.resolve("structures.parquet"));
            if (hasStructures()) {
                double[] r = new double[predicted.size()], b = new double[predicted.size()];
                double[] baseXyz = base.coordinates();
                int k = 0;
                for (Map.Entry<Long, float[]> p : predicted.entrySet()) {
                    double[] truth = structure((int) (long) p.getKey());
                    r[k] = rmsd(p.getValue(), truth);
                    b[k++] = rmsd(baseXyz, truth);
                }
                rmsd = median(r);
                baseRmsd = median(b);
            }
        }
        // CryoBench's metrics: per-image and per-conformation FSC (unmasked, masked), neighbourhood similarity
        int[] bin = new int[n];
        for (int i = 0; i < n; i++) bin[i] = mapBin(i);
        double[][] trueCoord = null;
        if (coordinate() != null) {
            trueCoord = new double[n][];
            for (int i = 0; i < n; i++) trueCoord[i] = angle2 == null ? new double[]{angle[i]} : new double[]{angle[i], angle2[i]};
        }
        TrainedModel model = TrainedModel.load(run);
        double[][] z = latentMeans(eval.resolve("latents.csv"), n);
        CryoBenchScoring.PredictedMaps maps;
        Map<Long, double[]> fullAtomFsc = new ConcurrentHashMap<>();
        if (fullAtom == null) {
            maps = CryoBenchScoring.gaussian(model.structure().amplitudes(), model.config().sigma(), entry.box(), entry.apix());
        } else {
            // each particle's own full-atom structure (no per-bin cache: every particle has its own motion); the
            // project's FSC of the same map is recorded on the way, in place of evaluate's Gaussian one
            boolean sample = entry.evaluate() != null && Boolean.TRUE.equals(entry.evaluate().sample);
            DecodedMotions motions = DecodedMotions.decode(model, z, predicted, sample, entry.seed());
            Map<Integer, Volume> truthByBin = truthMaps;
            maps = (p, xyz) -> {
                Volume v = fullAtom.predicted(motions.of(p));
                Fsc.Curve c = Fsc.compute(v, truthByBin.get(bin[(int) p]));
                fullAtomFsc.putIfAbsent(p, new double[]{c.resolutionAt(0.5), c.resolutionAt(0.143), ParticleTask.auc(c)});
                return v.data();
            };
        }
        long t0 = System.nanoTime();
        CryoBenchScoring.Result cb = CryoBenchScoring.score(predicted, bin, truthMaps, maps, z, trueCoord,
                truthDir.resolveSibling("cryobench"));
        if (fullAtom != null && !fullAtomFsc.isEmpty()) {
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: full-atom predicted maps: %d particles, %d atoms each, %d³ at %.3f Å "
                            + "(rendered at %d×, Fourier-cropped): %.1f s with CryoBench's FSCs, %.1f ms per particle%n",
                    entry.name(), fullAtomFsc.size(), fullAtom.base.size(), entry.box(), entry.apix(), FullAtomMaps.OVERSAMPLE,
                    s, 1e3 * s / fullAtomFsc.size());
            compared = fullAtomFsc.size();
            res05 = median(fullAtomFsc.values().stream().mapToDouble(v -> v[0]).toArray());
            res0143 = median(fullAtomFsc.values().stream().mapToDouble(v -> v[1]).toArray());
            auc = fullAtomFsc.values().stream().mapToDouble(v -> v[2]).average().orElse(Double.NaN);
        }
        double[] last = lastMetrics(run.resolve("metrics.csv"));
        return new Scores(spearman, accuracy, separation, distance, r2, r2Second, separationSecond, compared, res05, res0143, auc, baseRes, baseAuc, rmsd, baseRmsd, last[1], last[0], pc1, cb);
    }

    /** |Spearman| of evaluate's first distance (distances.csv, when asked for) against the true coordinate; else NaN. */
    private static double distanceSpearman(Path dist, int n, double[] coordinate) {
        if (!Files.exists(dist)) return Double.NaN;
        String first = CsvTable.read(dist).header().get(1);
        double[] d = new double[n];
        Arrays.fill(d, Double.NaN);
        for (Map.Entry<Long, double[]> c : readCsv(dist, first).entrySet()) d[(int) (long) c.getKey()] = c.getValue()[0];
        return Math.abs(spearman(d, coordinate));
    }

    /** The latent means (columns z0, z1, ...) of evaluate's latents.csv, row = particle index. */
    static double[][] latentMeans(Path csv, int n) throws IOException {
        CsvTable t = CsvTable.read(csv);
        String[] z = t.header().stream().filter(c -> c.matches("z[0-9]+")).toArray(String[]::new);
        Map<Long, double[]> byParticle = readCsv(t, z);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++)
            if ((out[i] = byParticle.get((long) i)) == null) throw new IllegalStateException(csv + ": no latent for particle " + i);
        return out;
    }

    /** Segment (argmax of the mean segmentation, noise 0) of each residue of the run's base structure. */
    static int[] meanSegments(Path run) {
        double[][] w = TrainedModel.load(run).segmentation(null);
        int[] seg = new int[w.length];
        for (int r = 0; r < w.length; r++)
            for (int k = 1; k < w[r].length; k++) if (w[r][k] > w[r][seg[r]]) seg[r] = k;
        return seg;
    }

    /** A segment counts as separate from the fixed residues when at least this fraction of its residues move. */
    static final double SEPARATE_SEGMENT_PURITY = 0.9;

    /**
     * The fraction of the moving residues whose segment is made of moving residues (at least
     * {@link #SEPARATE_SEGMENT_PURITY} of it), i.e. that the learned segmentation lets move apart from the fixed ones.
     * A segment shared half and half with fixed residues scores 0 for its moving residues.
     */
    static double segmentSeparation(int[] segmentOf, int[] moving) {
        int k = Arrays.stream(segmentOf).max().orElse(0) + 1;
        int[] size = new int[k], movingIn = new int[k];
        boolean[] isMoving = new boolean[segmentOf.length];
        for (int r : moving) isMoving[r] = true;
        for (int r = 0; r < segmentOf.length; r++) {
            size[segmentOf[r]]++;
            if (isMoving[r]) movingIn[segmentOf[r]]++;
        }
        int separate = 0;
        for (int s = 0; s < k; s++) if (size[s] > 0 && movingIn[s] >= SEPARATE_SEGMENT_PURITY * size[s]) separate += movingIn[s];
        return moving.length == 0 ? Double.NaN : (double) separate / moving.length;
    }

    private static Volume readMap(Path p) {
        return Volume.read(p);
    }

    /** Last row of metrics.csv: {loss, images_per_s}. */
    static double[] lastMetrics(Path metrics) {
        CsvTable t = CsvTable.read(metrics);
        int last = t.size() - 1;
        if (last < 0) throw new InputException(metrics, null, "no epoch recorded");
        return new double[]{t.number(last, "loss"), t.number(last, "images_per_s")};
    }

    /** Rows of a CSV keyed by its first column (particle_index), with the named columns. */
    static Map<Long, double[]> readCsv(Path csv, String... columns) {
        return readCsv(CsvTable.read(csv), columns);
    }

    private static Map<Long, double[]> readCsv(CsvTable t, String... columns) {
        int[] idx = new int[columns.length];
        for (int c = 0; c < columns.length; c++) idx[c] = t.column(columns[c]);
        Map<Long, double[]> out = new LinkedHashMap<>();
        String key = t.header().get(0);
        for (int r = 0; r < t.size(); r++) {
            double[] v = new double[columns.length];
            for (int c = 0; c < columns.length; c++) v[c] = t.number(r, idx[c]);
            out.put(t.integer(r, key), v);
        }
        return out;
    }

    /** structures.parquet written by evaluate (Spark's part files): particle_index → flat coordinates. */
    static Map<Long, float[]> readStructures(Path dir) throws IOException {
        Map<Long, float[]> out = new java.util.TreeMap<>();
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir)) {
            parts = s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (Path part : parts) {
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(part.toUri())).withConf(new Configuration()).build()) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    Group list = g.getGroup("coordinates", 0);
                    int m = list.getFieldRepetitionCount(0);
                    float[] xyz = new float[m];
                    for (int i = 0; i < m; i++) xyz[i] = list.getGroup(0, i).getFloat(0, 0);
                    out.put(g.getLong("particle_index", 0), xyz);
                }
            }
        }
        return out;
    }

    public static double rmsd(float[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return rmsd(d, b);
    }

    /** CA RMSD without superposition: predicted and true structures are in the same (box) frame. */
    public static double rmsd(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalStateException("structures differ in size: " + a.length / 3 + " vs " + b.length / 3 + " residues");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s / (a.length / 3));
    }

    public static double median(double[] v) {
        double[] f = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) return Double.NaN;
        return f.length % 2 == 1 ? f[f.length / 2] : 0.5 * (f[f.length / 2 - 1] + f[f.length / 2]);
    }

    /**
     * Spearman rank correlation (average ranks for ties; commons-math3's {@link SpearmansCorrelation}) over the pairs
     * where both are finite; NaN for fewer than two pairs, 0 when either side is constant.
     */
    static double spearman(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) n++;
        double[] a = new double[n], b = new double[n];
        for (int i = 0, k = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) { a[k] = x[i]; b[k++] = y[i]; }
        if (n < 2) return Double.NaN;
        if (constant(a) || constant(b)) return 0;
        return new SpearmansCorrelation().correlation(a, b);
    }

    private static boolean constant(double[] v) {
        for (double x : v) if (x != v[0]) return false;
        return true;
    }

    /**
     * Fraction of particles whose k-means cluster maps to their true conformation under the best one-to-one
     * assignment of clusters to conformations (exhaustive for up to 8 clusters; clusters beyond the number of
     * conformations count as wrong). More than 8 clusters: each cluster takes its majority conformation (purity).
     */
    static double clusterAccuracy(int[] cluster, int[] truth) {
        int k = Arrays.stream(cluster).max().orElse(0) + 1, c = Arrays.stream(truth).max().orElse(0) + 1;
        int[][] count = new int[k][c];
        for (int i = 0; i < cluster.length; i++) count[cluster[i]][truth[i]]++;
        if (k > 8) {
            int s = 0;
            for (int[] row : count) s += Arrays.stream(row).max().orElse(0);
            return (double) s / cluster.length;
        }
        int[] assign = new int[k];
        return (double) best(count, assign, 0, new boolean[c]) / cluster.length;
    }

    private static int best(int[][] count, int[] assign, int j, boolean[] used) {
        if (j == count.length) return 0;
        int b = best(count, assign, j + 1, used); // cluster j maps to no conformation
        for (int t = 0; t < used.length; t++) {
            if (used[t]) continue;
            used[t] = true;
            b = Math.max(b, count[j][t] + best(count, assign, j + 1, used));
            used[t] = false;
        }
        return b;
    }
}
