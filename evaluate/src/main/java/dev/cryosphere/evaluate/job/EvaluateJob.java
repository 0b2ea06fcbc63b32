package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.evaluate.report.ViewerLibrary;
import dev.cryosphere.spark.SparkContexts;
import dev.cryosphere.trainer.run.TrainedModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * `cryosphere evaluate` (driver). Stage 1, a Spark job over particle slices: executors load the model, encode, decode
 * and measure each particle ({@link ParticleTask}); the driver collects only latents and per-particle numbers, and
 * the FSC curves are summed by a reduce. Stage 2 on the driver: PCA, k-means (both on N×L numbers). Stage 3, a Spark
 * job over latent points: traversal and cluster-centre structures and maps ({@link PointTask}). Then the tables,
 * subsets and the report are written, and EVAL is renamed into place: it appears complete or not at all.
 */
public final class EvaluateJob {
    /** What a run did; {@code particlesPerSecond} covers stage 1 (the per-particle work). */
    public record Result(Path out, long particles, int tasks, int executors, double stageSeconds, double particlesPerSecond,
                         List<ParticleResult> rows, double[] meanFsc) {}

    private EvaluateJob() {}

    public static Result run(EvaluateOptions o) {
        Inputs in = Inputs.check(o);
        try (SparkContexts.Handle h = SparkContexts.open("cryosphere-evaluate", o.master)) {
            return run(o, in, h.context());
        }
    }

    public static Result run(EvaluateOptions o, Inputs in, JavaSparkContext jsc) {
        TrainedModel model = in.model();
        // the report embeds the 3D viewer: a build without it fails here, before the work, not after it
        ViewerLibrary.load();
        String run = o.run.toAbsolutePath().normalize().toString();
        try (AtomicOutput out = AtomicOutput.directory(o.out, o.overwrite)) {
            Path dir = out.path();
            long perTask = o.rowsPerTask != null ? o.rowsPerTask : PartSlice.defaultRowsPerTask(in.data().count());
            List<PartSlice> slices = PartSlice.plan(in.data().parts(), in.data().info().parts(), perTask);
            ParticleTask task = new ParticleTask(run, model.epoch(), o.batch, in.distances(), in.truth(), in.structures(),
                    o.sample, o.seed);
            Broadcast<ParticleTask> b = jsc.broadcast(task);

            long t0 = System.nanoTime();
            // a progress line with rate and ETA while the particles are measured (each task counts its slice when done)
            org.apache.spark.util.LongAccumulator measured = jsc.sc().longAccumulator("cryosphere.evaluate.particles");
            dev.cryosphere.spark.ProgressListener listener = new dev.cryosphere.spark.ProgressListener(measured.id(),
                    new dev.cryosphere.core.util.Progress("evaluate", "particles", in.data().count()));
            jsc.sc().addSparkListener(listener);
            JavaRDD<ParticleResult> rdd = jsc.parallelize(slices, slices.size())
                    .flatMap(s -> {
                        List<ParticleResult> r = b.value().apply(s);
                        measured.add(r.size());
                        return r.iterator();
                    })
                    .persist(StorageLevel.MEMORY_AND_DISK());
            List<ParticleResult> rows;
            try {
                rows = new ArrayList<>(rdd.map(ParticleResult::light).collect());
            } finally {
                jsc.sc().removeSparkListener(listener);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            rows.sort(Comparator.comparingLong(ParticleResult::index));
            double[] meanFsc = in.truth() == null ? null : meanCurve(rdd);
            int executors = Math.max(1, jsc.sc().getExecutorMemoryStatus().size() - (jsc.master().startsWith("local") ? 0 : 1));
            System.out.printf(Locale.ROOT, "evaluate: %d particles in %.1f s (%.1f particles/s), %d task(s) on %d executor(s), %s%n",
                    rows.size(), seconds, rows.size() / seconds, slices.size(), executors, jsc.master());

            if (in.structures().any()) StructureOutputs.write(jsc, rdd, dir, run, model.epoch(), o.pdb);
            rdd.unpersist(false);

            Analysis analysis = Analysis.of(rows, o.pcs, o.traversalSteps, o.clusters, o.seed);
            PointTask points = new PointTask(run, model.epoch(), dir.toString(), !o.noVolumes);
            List<LatentPoint> latentPoints = analysis.points();
            List<PointTask.Result> pointResults = latentPoints.isEmpty() ? List.of()
                    : jsc.parallelize(latentPoints, Math.min(latentPoints.size(), Math.max(1, jsc.defaultParallelism())))
                    .map(points::apply).collect();

            Tables.write(dir, in, rows, analysis, meanFsc, pointResults);
            LatentParquet.write(jsc, dir.resolve("latents.parquet"), rows);
            List<String> notes = new ArrayList<>();
            if (in.export() != null) analysis.exportClusters(in.export(), dir.resolve("clusters"), rows);
            else notes.add(in.exportNote());
            EvaluationReport.write(dir, o, in, rows, analysis, meanFsc, pointResults, notes,
                    String.format(Locale.ROOT, "%d particles in %.1f s (%.1f particles/s) on %d executor(s), %s",
                            rows.size(), seconds, rows.size() / seconds, executors, jsc.master()));
            out.commit();
            System.out.println("evaluate: " + dev.cryosphere.trainer.run.TrainReport.segmentsLine(model.baseModel(),
                    dev.cryosphere.trainer.run.TrainReport.owners(model.segmentation(null)), model.config().segments()));
            System.out.println("evaluate: wrote " + o.out);
            return new Result(o.out, rows.size(), slices.size(), executors, seconds, rows.size() / seconds, rows, meanFsc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mean FSC per shell over the particles with a truth map (an empty shell's NaN is left out of its mean). One partial
     * sum per partition, added on the driver in partition order: the same numbers whatever the master.
     */
    static double[] meanCurve(JavaRDD<ParticleResult> rdd) {
        List<double[]> partial = rdd.mapPartitions(it -> {
            double[] s = null;
            while (it.hasNext()) {
                ParticleResult r = it.next();
                if (!r.hasTruth()) continue;
                int n = r.fsc().length;
                if (s == null) s = new double[2 * n];
                for (int i = 0; i < n; i++)
                    if (Double.isFinite(r.fsc()[i])) { s[i] += r.fsc()[i]; s[n + i] += 1; }
            }
            return s == null ? java.util.Collections.<double[]>emptyIterator() : List.of(s).iterator();
        }).collect();
        if (partial.isEmpty()) throw new InputException(null, "--truth-labels", "no particle of the dataset has a truth label");
        double[] t = new double[partial.get(0).length];
        for (double[] s : partial) for (int i = 0; i < t.length; i++) t[i] += s[i];
        int n = t.length / 2;
        double[] mean = new double[n];
        for (int i = 0; i < n; i++) mean[i] = t[n + i] > 0 ? t[i] / t[n + i] : Double.NaN;
        return mean;
    }
}
