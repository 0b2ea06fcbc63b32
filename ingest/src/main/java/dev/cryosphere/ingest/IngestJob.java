package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetSchema;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.OpticsGroup;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.physics.FourierCrop;
import dev.cryosphere.core.physics.PixelResample;
import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.IoFailure;
import dev.cryosphere.core.util.Progress;
import dev.cryosphere.spark.SparkContexts;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The ingest job (driver side). Reads and validates the metadata and every stack header up front, plans one Spark task
 * per part file (contiguous source rows, ≈ --shard-mb of images each), lets the executors read the stacks and write
 * the parts into a temporary sibling of OUT, then writes {@code _dataset.json} (and {@code _rejected.csv}) and renames
 * the temporary directory onto OUT. The driver holds metadata only, never images.
 */
public final class IngestJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
    /** Test hook: milliseconds to sleep per image in the executors (to kill a run in the middle). */
    public static final String TEST_DELAY_PROPERTY = "cryosphere.ingest.testDelayMs";
    /** Test hook: read local stacks through the Hadoop file system too (the hdfs:// / s3a:// code path). */
    public static final String FORCE_HADOOP_IO_PROPERTY = "cryosphere.ingest.hadoopIo";

    /** What a run did. */
    public record Result(boolean skipped, DatasetInfo info, String out, double seconds, double imagesPerSecond) {}

    private final IngestOptions o;
    private final PrintStream log;

    private IngestJob(IngestOptions o, PrintStream log) {
        this.o = o;
        this.log = log;
    }

    /** Runs with a Spark context of its own (or the active one), see {@link SparkContexts}. */
    public static Result run(IngestOptions options) {
        try (SparkContexts.Handle h = SparkContexts.open("cryosphere-ingest", options.master)) {
            return run(options, h.context());
        }
    }

    public static Result run(IngestOptions options, JavaSparkContext jsc) {
        return new IngestJob(options, System.err).execute(jsc);
    }

    private Result execute(JavaSparkContext jsc) {
        long t0 = System.nanoTime();
        Instant start = Instant.now();
        checkOptions();
        Configuration conf = jsc.hadoopConfiguration();
        Path out = Files2.hadoopPath(o.out);
        FileSystem fs = fileSystem(out, conf);
        restoreInterruptedReplacement(fs, out);
        boolean exists = exists(fs, out);
        if (exists && !o.overwrite && !o.incremental)
            throw new InputException(o.out, null, "already exists (use --overwrite to replace it, or --incremental)");
        checkLocalOutput();

        Metadata md = readMetadata(conf);
        List<Particle> particles = md.set.particles();
        Validated v = validate(md, conf);

        DatasetInfo.Sources sources = fingerprints(md, v, conf);
        DatasetInfo.Options options = new DatasetInfo.Options(o.box, o.apix, o.invert, o.skipBad, o.normSample, o.seed,
                o.allowNoPoses);
        if (exists && o.incremental) {
            DatasetInfo old = readInfo(fs, out);
            if (old != null && sameSources(old.sources(), sources) && Objects.equals(old.options(), options)) {
                System.out.println("ingest: " + out + " unchanged, skipped (sources and options match its "
                        + DatasetSchema.INFO_FILE + ")");
                return new Result(true, old, out.toString(), seconds(t0), 0);
            }
        }

        int n = particles.size();
        int box = v.box;
        List<PartTask> tasks = plan(md, v, jsc.defaultParallelism());
        Path temp = new Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
        boolean committed = false;
        try {
            if (!fs.mkdirs(temp))
                throw new EnvironmentException(o.out, null, "cannot create its temporary folder " + temp
                        + " (read-only or full file system, or no permission)");
            PartTask.Settings settings = new PartTask.Settings(temp.toString(), box, o.invert, o.skipBad,
                    new Files2.ConfMap(conf), Long.getLong(TEST_DELAY_PROPERTY, 0L),
                    Boolean.getBoolean(FORCE_HADOOP_IO_PROPERTY));
            log.printf(Locale.ROOT, "ingest: %d images in %d stacks, %d → %d px, %d part(s) on %s%n", n, v.stacks.size(),
                    v.sourceBoxes.values().iterator().next(), box, tasks.size(), jsc.master());
            Progress progress = new Progress("ingest", "images", n, log, 2000);
            List<PartTask.Result> results;
            try {
                results = runTasks(jsc, tasks, settings, progress);
            } catch (RuntimeException e) {
                IOException io = e instanceof InputException ? null : IoFailure.deepestIo(e);
                if (io != null) throw new EnvironmentException(o.out, null, "cannot write the dataset: " + IoFailure.words(io), e);
                throw e;
            }
            double ingestSeconds = progress.finish();

            List<PartTask.Reject> rejects = new ArrayList<>();
            List<DatasetInfo.Part> parts = new ArrayList<>();
            Map<Integer, Long> groupCounts = new TreeMap<>();
            long count = 0, coefficients = 0;
            int sampled = 0;
            double sumRe = 0, sumIm = 0, sumSq = 0;
            for (PartTask.Result r : results) {
                rejects.addAll(r.rejects());
                if (r.rows() > 0) parts.add(new DatasetInfo.Part(r.file(), r.rows(), r.firstRow(), r.lastRow(), r.bytes()));
                r.groupCounts().forEach((g, c) -> groupCounts.merge(g, c, Long::sum));
                count += r.rows();
                coefficients += r.coefficients();
                sampled += r.sampled();
                sumRe += r.sumRe();
                sumIm += r.sumIm();
                sumSq += r.sumSq();
            }
            if (count == 0) throw new InputException(o.particles, null, "every image was rejected; nothing to write");
            DatasetInfo.Normalization norm = normalization(coefficients, sampled, sumRe, sumIm, sumSq);
            DatasetInfo info = new DatasetInfo(DatasetSchema.VERSION, count, box, commonPixelSize(md, v), o.invert,
                    groups(md, v, groupCounts), norm, parts, rejects.size(), md.set.missingPoseColumns(), sources, options,
                    o.commandLine, "cryosphere-spark " + version(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            if (o.skipBad) writeRejected(fs, new Path(temp, DatasetSchema.REJECTED_FILE), rejects);
            try (FSDataOutputStream os = fs.create(new Path(temp, DatasetSchema.INFO_FILE), true)) {
                info.write(os);
            }
            commit(fs, temp, out, o.overwrite || o.incremental);
            committed = true;
            removeStale(fs, out, start);
            double total = seconds(t0);
            double rate = n / ingestSeconds;
            long bytes = parts.stream().mapToLong(DatasetInfo.Part::bytes).sum();
            System.out.printf(Locale.ROOT, "ingest: %d images (%d rejected), %d px at %s Å/px, %d part(s), %.1f MiB -> %s "
                            + "in %.1f s (%.0f images/s in the executors, %.1f s in all)%n", count, rejects.size(), box,
                    info.pixelSize() == null ? "per-group" : String.format(Locale.ROOT, "%.4f", info.pixelSize()),
                    parts.size(), bytes / 1048576.0, out, ingestSeconds, rate, total);
            return new Result(false, info, out.toString(), total, rate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!committed) {
                try {
                    fs.delete(temp, true);
                } catch (IOException e) {
                    LOG.warn("cannot remove temporary output {}: {}", temp, e.toString());
                }
            }
        }
    }

    /** A local OUT whose folder is a file, or read-only: an error before any work (Hadoop's mkdirs only says false). */
    private void checkLocalOutput() {
        if (Files2.isLocal(o.out)) dev.cryosphere.core.util.AtomicOutput.requireWritableLocation(Files2.localPath(o.out));
    }

    private void checkOptions() {
        if (o.shardMb < 1) throw new InputException(null, "--shard-mb", "must be ≥ 1, got " + o.shardMb);
        if (o.box != null && o.box < 2) throw new InputException(null, "--box", "must be ≥ 2, got " + o.box);
        if (o.apix != null && !(o.apix > 0 && Double.isFinite(o.apix)))
            throw new InputException(null, "--apix", "must be a pixel size > 0 Å, got " + o.apix);
        if (o.normSample < 1) throw new InputException(null, "--norm-sample", "must be ≥ 1, got " + o.normSample);
    }

    // ---------------------------------------------------------------- metadata and validation

    private record Metadata(ParticleSet set, String metadataUri, List<String> stackUris) {}

    private Metadata readMetadata(Configuration conf) {
        String meta = o.particles;
        String rootUri = o.root;
        boolean localMeta = Files2.isLocal(meta);
        boolean localRoot = rootUri == null ? localMeta : Files2.isLocal(rootUri);
        java.nio.file.Path metaPath;
        if (localMeta) {
            metaPath = Files2.localPath(meta);
            if (!Files.exists(metaPath)) throw new InputException(meta, null, "file not found");
        } else {
            metaPath = copyToLocal(meta, conf);
        }
        Path rootHadoop = rootUri != null ? Files2.hadoopPath(rootUri) : Files2.hadoopPath(meta).getParent();
        java.nio.file.Path fakeRoot = java.nio.file.Path.of("/__cryosphere_remote_root__");
        java.nio.file.Path localRootPath = localRoot
                ? (rootUri != null ? Files2.localPath(rootUri) : metaPath.toAbsolutePath().getParent()) : fakeRoot;
        ParticleSet set = ParticleSet.read(metaPath, localRootPath).requireImages();
        if (!o.allowNoPoses) set.requirePoses("training (ingest)");
        else if (!set.hasPoses())
            log.println("ingest: warning: " + meta + ": no pose column" + (set.missingPoseColumns().size() > 1 ? "s " : " ")
                    + String.join(", ", set.missingPoseColumns()) + ": all " + set.size() + " rows are stored with 0 "
                    + "(--allow-no-poses); a model trained on this dataset learns nothing useful");
        List<String> uris = new ArrayList<>(set.size());
        Map<java.nio.file.Path, String> cache = new LinkedHashMap<>();
        for (Particle p : set.particles()) {
            uris.add(cache.computeIfAbsent(p.stack(), s -> {
                if (localRoot) return s.toAbsolutePath().normalize().toUri().toString();
                if (s.startsWith(fakeRoot)) return new Path(rootHadoop, fakeRoot.relativize(s).toString()).toString();
                return new Path(rootHadoop.toUri().getScheme(), rootHadoop.toUri().getAuthority(), s.toString()).toString();
            }));
        }
        return new Metadata(set, localMeta ? metaPath.toAbsolutePath().normalize().toUri().toString()
                : Files2.hadoopPath(meta).toString(), uris);
    }

    private static java.nio.file.Path copyToLocal(String uri, Configuration conf) {
        Path p = Files2.hadoopPath(uri);
        try {
            java.nio.file.Path dir = Files.createTempDirectory("cryosphere-ingest-meta");
            java.nio.file.Path local = dir.resolve(p.getName());
            FileSystem fs = p.getFileSystem(conf);
            try (FSDataInputStream in = fs.open(p)) {
                Files.copy(in, local);
            }
            local.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return local;
        } catch (FileNotFoundException e) {
            throw new InputException(uri, null, "file not found", e);
        } catch (IOException e) {
            throw new InputException(uri, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** What validation established: stacks with their image counts, source box per optics group, output box. */
    private record Validated(Map<String, Long> stacks, Map<Integer, Integer> sourceBoxes, int box,
                             Map<Integer, PixelResample.Plan> plans) {}

    private Validated validate(Metadata md, Configuration conf) {
        List<Particle> ps = md.set.particles();
        String meta = o.particles;
        // first row referencing each stack, and the row with its largest index
        Map<String, Integer> firstRow = new LinkedHashMap<>();
        Map<String, Integer> maxRow = new LinkedHashMap<>();
        Map<String, Integer> firstUnnumbered = new LinkedHashMap<>();   // "stack.mrcs" without N@
        for (int i = 0; i < ps.size(); i++) {
            String s = md.stackUris.get(i);
            firstRow.putIfAbsent(s, i);
            if (ps.get(i).imageName().indexOf('@') < 0) firstUnnumbered.putIfAbsent(s, i);
            Integer m = maxRow.get(s);
            if (m == null || ps.get(m).imageIndex() < ps.get(i).imageIndex()) maxRow.put(s, i);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        boolean forceHadoop = Boolean.getBoolean(FORCE_HADOOP_IO_PROPERTY);
        for (String s : firstRow.keySet()) {
            Particle p = ps.get(firstRow.get(s));
            if (!stackExists(s, conf))
                throw new InputException(meta, rowWhere(p), "stack not found: " + s);
            try (MrcReader r = Files2.openMrc(s, conf, forceHadoop)) {
                if (r.nx() != r.ny())
                    throw new InputException(s, "header", "images are " + r.nx() + "×" + r.ny() + "; particle images must be square");
                if (firstUnnumbered.containsKey(s)) {
                    InputException bare = md.set.unnumberedReference(ps.get(firstUnnumbered.get(s)), r.count());
                    if (bare != null) throw bare;
                }
                Particle last = ps.get(maxRow.get(s));
                if (last.imageIndex() >= r.count())
                    throw new InputException(meta, rowWhere(last), "image " + (last.imageIndex() + 1) + " is beyond the "
                            + r.count() + " images of " + s);
                counts.put(s, r.count());
                sizes.put(s, r.nx());
            }
        }
        Map<Integer, Integer> groupBox = new TreeMap<>();
        Map<Integer, String> groupBoxFrom = new TreeMap<>();
        Set<Integer> warnedSize = new HashSet<>();
        for (int i = 0; i < ps.size(); i++) {
            Particle p = ps.get(i);
            String s = md.stackUris.get(i);
            int nx = sizes.get(s);
            OpticsGroup g = md.set.opticsGroup(p.opticsGroup());
            if (g.box() > 0 && g.box() != nx && warnedSize.add(g.number()))
                // the stacks are the truth for the pixels (e.g. relion5 test metadata says 448 for 30-px images)
                log.println("ingest: warning: " + meta + ", optics group " + g.number() + " (" + g.name()
                        + "): rlnImageSize is " + g.box() + " but " + s + " holds " + nx + "×" + nx + " images; using "
                        + nx);
            Integer prev = groupBox.putIfAbsent(g.number(), nx);
            if (prev == null) groupBoxFrom.put(g.number(), s);
            else if (prev != nx)
                throw new InputException(meta, "optics group " + g.number() + " (" + g.name() + ")", "mixed image sizes: "
                        + groupBoxFrom.get(g.number()) + " holds " + prev + "×" + prev + " images, " + s + " holds "
                        + nx + "×" + nx);
            if (Math.abs(p.pixelSize() - g.pixelSize()) > 1e-6 * g.pixelSize())
                throw new InputException(meta, rowWhere(p), "pixel size " + p.pixelSize() + " Å differs from optics group "
                        + g.number() + "'s " + g.pixelSize() + " Å");
        }
        int minBox = groupBox.values().stream().min(Integer::compare).orElseThrow();
        int maxBox = groupBox.values().stream().max(Integer::compare).orElseThrow();
        Map<Integer, Double> groupPixel = new TreeMap<>();
        for (int g : groupBox.keySet()) groupPixel.put(g, md.set.opticsGroup(g).pixelSize());
        boolean mixedPixels = groupPixel.values().stream().anyMatch(px -> Math.abs(px - groupPixel.values().iterator()
                .next()) > 1e-6 * px);
        Map<Integer, PixelResample.Plan> plans = new TreeMap<>();
        int box;
        if (o.apix != null) {
            // every group to one pixel size: Fourier crop/pad to round(n p / A), then a real-space window to the box
            int minFourier = Integer.MAX_VALUE;
            for (int g : groupBox.keySet())
                minFourier = Math.min(minFourier, PixelResample.fourierBox(groupBox.get(g), groupPixel.get(g), o.apix));
            box = o.box != null ? o.box : minFourier;
            for (int g : groupBox.keySet()) {
                PixelResample.Plan p = PixelResample.plan(groupBox.get(g), groupPixel.get(g), o.apix, box);
                OpticsGroup og = md.set.opticsGroup(g);
                if (p.edgeErrorPx() > PixelResample.MAX_EDGE_ERROR_PX)
                    throw new InputException(meta, "optics group " + g + " (" + og.name() + ")", String.format(Locale.ROOT,
                            "%d px at %.5g Å cannot be resampled to %.5g Å/px by Fourier cropping or padding: the nearest "
                                    + "size, %d px, gives %.5g Å/px (%.2f px off at the edge of a %d px box, more than "
                                    + "%.2f); choose --apix so that %d × %.5g / A is closer to an integer",
                            p.sourceBox(), p.sourcePixel(), o.apix, p.fourierBox(), p.achievedPixel(), p.edgeErrorPx(),
                            box, PixelResample.MAX_EDGE_ERROR_PX, p.sourceBox(), p.sourcePixel()));
                plans.put(g, new PixelResample.Plan(p.sourceBox(), p.sourcePixel(), p.fourierBox(), box, o.apix,
                        p.edgeErrorPx()));
                log.println("ingest: optics group " + g + " (" + og.name() + "): " + p.describe()
                        + String.format(Locale.ROOT, ", stored as %.5g Å/px", o.apix));
            }
        } else {
            if (o.box != null) {
                if (o.box > minBox)
                    throw new InputException(null, "--box", o.box + " is larger than the images (" + minBox
                            + " px); Fourier cropping only downsamples (--apix A --box N also pads)");
                box = o.box;
            } else {
                if (minBox != maxBox)
                    throw new InputException(meta, null, "optics groups have different image sizes " + groupBox
                            + " (group: box); give --box N to crop them all to one size"
                            + (mixedPixels ? ", or --apix A --box N for one pixel size and box" : ""));
                box = minBox;
            }
            for (int g : groupBox.keySet()) {
                int n = groupBox.get(g);
                plans.put(g, new PixelResample.Plan(n, groupPixel.get(g), box, box,
                        FourierCrop.croppedPixelSize(groupPixel.get(g), n, box), 0));
            }
            Set<Double> after = new java.util.TreeSet<>();
            for (PixelResample.Plan p : plans.values()) after.add(p.achievedPixel());
            if (after.size() > 1 && plans.values().stream().anyMatch(p -> Math.abs(p.achievedPixel()
                    - plans.values().iterator().next().achievedPixel()) > 1e-9 * p.achievedPixel()))
                log.println("ingest: warning: optics groups end at different pixel sizes " + after + " Å; train needs "
                        + "one: ingest with --apix A --box N to resample every group to one pixel size and box");
        }
        return new Validated(counts, groupBox, box, plans);
    }

    private static String rowWhere(Particle p) {
        return "row " + (p.row() + 1) + " (" + p.imageName() + ")";
    }

    private static boolean stackExists(String uri, Configuration conf) {
        if (Files2.isLocal(uri)) {
            java.nio.file.Path p = Files2.localPath(uri);
            if (Files.exists(p) && !Files.isRegularFile(p))   // a named pipe would block, a device never end
                throw new InputException(uri, null, "not a regular file (" + dev.cryosphere.core.util.InputFiles.kind(p)
                        + "); give the stack itself");
            return Files.exists(p);
        }
        Path p = Files2.hadoopPath(uri);
        try {
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new InputException(uri, null, "cannot check: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- fingerprints (--incremental)

    private DatasetInfo.Sources fingerprints(Metadata md, Validated v, Configuration conf) {
        DatasetInfo.SourceFile meta = Files2.fingerprint(md.metadataUri, conf, true);
        List<DatasetInfo.SourceFile> stacks = new ArrayList<>();
        for (String s : v.stacks.keySet()) stacks.add(Files2.fingerprint(s, conf, false));
        return new DatasetInfo.Sources(meta, stacks);
    }

    private static boolean sameSources(DatasetInfo.Sources a, DatasetInfo.Sources b) {
        return a != null && Objects.equals(a.metadata(), b.metadata()) && Objects.equals(a.stacks(), b.stacks());
    }

    private static DatasetInfo readInfo(FileSystem fs, Path out) {
        try (FSDataInputStream in = fs.open(new Path(out, DatasetSchema.INFO_FILE))) {
            return DatasetInfo.read(in);
        } catch (IOException e) {
            return null;   // not a (complete) dataset: ingest again
        }
    }

    // ---------------------------------------------------------------- planning and running

    /**
     * Contiguous, near-equal parts of at most --shard-mb of output images each. The count is rounded up to a multiple of
     * the cluster's parallelism when the parts stay at least half a shard, so that no core idles in the last wave.
     */
    private List<PartTask> plan(Metadata md, Validated v, int parallelism) {
        List<Particle> ps = md.set.particles();
        int n = ps.size();
        long imageBytes = 4L * v.box * v.box;
        long shard = (long) o.shardMb << 20;
        int parts = (int) Math.max(1, Math.min(n, (n * imageBytes + shard - 1) / shard));
        int p = Math.max(1, parallelism);
        int rounded = (parts + p - 1) / p * p;
        if (rounded != parts && rounded <= n && n * imageBytes / rounded >= shard / 2) parts = rounded;
        Set<Integer> sample = sample(n, Math.min(n, o.normSample), o.seed);
        List<PartTask> tasks = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            int from = (int) ((long) n * k / parts), to = (int) ((long) n * (k + 1) / parts);
            List<PartTask.Row> rows = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                Particle q = ps.get(i);
                CtfParams c = q.ctf();
                String stack = md.stackUris.get(i);
                rows.add(new PartTask.Row(q.row(), q.imageName(), stack, q.imageIndex(), q.opticsGroup(),
                        v.sourceBoxes.get(q.opticsGroup()), v.plans.get(q.opticsGroup()).fourierBox(),
                        v.plans.get(q.opticsGroup()).achievedPixel(), q.pixelSize(), q.rot(), q.tilt(), q.psi(), q.originXAngst(),
                        q.originYAngst(), new double[]{c.defocusU(), c.defocusV(), c.defocusAngle(), c.voltage(), c.cs(),
                        c.ampContrast(), c.phaseShift(), c.bFactor(), c.scale()}, sample.contains(i)));
            }
            tasks.add(new PartTask(k, rows));
        }
        return tasks;
    }

    /** k distinct indices in [0, n), uniform, seeded (Floyd's algorithm: O(k) memory). */
    static Set<Integer> sample(int n, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Set<Integer> s = new HashSet<>();
        for (int j = n - k; j < n; j++) {
            int t = rng.nextInt(j + 1);
            if (!s.add(t)) s.add(j);
        }
        return s;
    }

    private static List<PartTask.Result> runTasks(JavaSparkContext jsc, List<PartTask> tasks, PartTask.Settings settings,
                                                  Progress progress) {
        LongAccumulator images = jsc.sc().longAccumulator("cryosphere.ingest.images");
        dev.cryosphere.spark.ProgressListener listener = new dev.cryosphere.spark.ProgressListener(images.id(), progress);
        jsc.sc().addSparkListener(listener);
        jsc.setJobDescription("cryosphere ingest: " + tasks.size() + " part(s)");
        try {
            return jsc.parallelize(tasks, tasks.size())
                    .map(t -> PartWriter.run(t, settings, TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber(),
                            images::add))
                    .collect();
        } catch (Exception e) {   // SparkException is checked, thrown undeclared by collect()
            throw unwrap(e);
        } finally {
            jsc.sc().removeSparkListener(listener);
        }
    }

    /** The InputException behind a Spark job failure, so that the user sees one clean line. */
    static RuntimeException unwrap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t instanceof InputException ie) return ie;
        String m = String.valueOf(e.getMessage());
        String key = InputException.class.getName() + ": ";
        int at = m.indexOf(key);
        if (at >= 0) {
            String line = m.substring(at + key.length()).lines().findFirst().orElse("");
            return new InputException(null, null, line, e);
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException("ingest job failed: " + e.getMessage(), e);
    }

    // ---------------------------------------------------------------- results

    private static DatasetInfo.Normalization normalization(long m, int sampled, double sumRe, double sumIm, double sumSq) {
        double mr = sumRe / m, mi = sumIm / m;
        double var = (sumSq - m * (mr * mr + mi * mi)) / Math.max(1, m - 1);
        return new DatasetInfo.Normalization(0.0, Math.sqrt(Math.max(0, var)), sampled, 0, Math.hypot(mr, mi),
                "std of the complex coefficients of the centred 2D FFTs of a seeded sample; f_mu = 0 as the reference");
    }

    private Double commonPixelSize(Metadata md, Validated v) {
        Double common = null;
        for (PixelResample.Plan p : v.plans.values()) {
            double px = p.achievedPixel();
            if (common == null) common = px;
            else if (Math.abs(common - px) > 1e-9 * px) return null;
        }
        return common;
    }

    private List<DatasetInfo.Group> groups(Metadata md, Validated v, Map<Integer, Long> counts) {
        List<DatasetInfo.Group> out = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : v.sourceBoxes.entrySet()) {
            OpticsGroup g = md.set.opticsGroup(e.getKey());
            int src = e.getValue();
            out.add(new DatasetInfo.Group(g.number(), g.name(), v.plans.get(g.number()).achievedPixel(), v.box,
                    g.pixelSize(), src, g.voltage(), g.cs(), g.ampContrast(), counts.getOrDefault(g.number(), 0L)));
        }
        return out;
    }

    private static void writeRejected(FileSystem fs, Path file, List<PartTask.Reject> rejects) throws IOException {
        rejects.sort(Comparator.comparingInt(PartTask.Reject::row));
        StringBuilder sb = new StringBuilder();
        try (var csv = dev.cryosphere.core.format.CsvTable.printer(sb)) {
            csv.printRecord("particle_index", "image_name", "reason");
            for (PartTask.Reject r : rejects) csv.printRecord(r.row(), r.imageName(), r.reason());
        }
        try (FSDataOutputStream os = fs.create(file, true)) {
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- commit

    /**
     * Temp → OUT; an existing OUT (--overwrite) is moved aside first and deleted after. Without {@code replace} an OUT
     * that appeared while this run worked (another ingest into the same folder) is an error, not silently replaced:
     * the check at the start saw no OUT.
     */
    static void commit(FileSystem fs, Path temp, Path out, boolean replace) throws IOException {
        Path old = null;
        if (fs.exists(out)) {
            if (!replace)
                throw new InputException(out, null, "appeared while this ingest ran (another ingest into the same "
                        + "folder?); it is left as it is: use --overwrite to replace it");
            old = new Path(out.getParent(), "." + out.getName() + ".old-" + UUID.randomUUID());
            if (!fs.rename(out, old)) throw new IOException("cannot move the old " + out + " aside");
        }
        if (!fs.rename(temp, out)) {
            if (old != null) fs.rename(old, out);
            throw new IOException("cannot rename " + temp + " to " + out);
        }
        if (old != null) fs.delete(old, true);
    }

    /**
     * A replacement killed between the two renames of {@link #commit} leaves no OUT and the old dataset, whole, as
     * {@code .OUT.old-<uuid>}: it is put back before anything else, so that a killed {@code --overwrite} leaves the old
     * output, as any other failure does (the removal of stale leftovers after the next successful run would otherwise
     * delete it). Only a complete one: a kill while deleting the old folder after a successful swap leaves part of it,
     * which stays a leftover.
     */
    private void restoreInterruptedReplacement(FileSystem fs, Path out) {
        Path parent = out.getParent();
        if (parent == null) return;
        try {
            if (fs.exists(out) || !fs.exists(parent)) return;
            String prefix = "." + out.getName() + ".old-";
            FileStatus newest = null;
            for (FileStatus st : fs.listStatus(parent))
                if (st.isDirectory() && st.getPath().getName().startsWith(prefix) && isComplete(fs, st.getPath())
                        && (newest == null || st.getModificationTime() > newest.getModificationTime())) newest = st;
            if (newest == null) return;
            if (!fs.rename(newest.getPath(), out)) {
                LOG.warn("cannot put {} back as {}", newest.getPath(), out);
                return;
            }
            log.println("ingest: " + out + " put back from " + newest.getPath().getName() + " (an earlier replacement "
                    + "was interrupted after moving it aside)");
        } catch (IOException e) {
            LOG.warn("cannot look for an interrupted replacement of {}: {}", out, e.toString());
        }
    }

    /** _dataset.json readable and every part it lists there, at its recorded size. */
    private static boolean isComplete(FileSystem fs, Path dataset) {
        DatasetInfo info = readInfo(fs, dataset);
        if (info == null || info.parts() == null) return false;
        try {
            for (DatasetInfo.Part p : info.parts()) {
                Path f = new Path(dataset, p.file());
                if (!fs.exists(f) || fs.getFileStatus(f).getLen() != p.bytes()) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Leftovers of killed runs (temporary siblings older than this run) go once a run succeeds. */
    private void removeStale(FileSystem fs, Path out, Instant start) {
        try {
            String prefix = "." + out.getName() + ".";
            for (FileStatus st : fs.listStatus(out.getParent())) {
                String name = st.getPath().getName();
                if (name.startsWith(prefix) && (name.contains(".tmp-") || name.contains(".old-"))
                        && st.getModificationTime() < start.toEpochMilli()) {
                    log.println("ingest: removing " + st.getPath() + " (left by an interrupted run)");
                    fs.delete(st.getPath(), true);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean up old temporary outputs: {}", e.toString());
        }
    }

    private static FileSystem fileSystem(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf);
        } catch (IOException e) {
            throw new InputException(p, null, "cannot open the file system: " + e.getMessage(), e);
        }
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw new InputException(p, null, "cannot check: " + e.getMessage(), e);
        }
    }

    private static double seconds(long t0) { return (System.nanoTime() - t0) / 1e9; }

    static String version() {
        String v = IngestJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
