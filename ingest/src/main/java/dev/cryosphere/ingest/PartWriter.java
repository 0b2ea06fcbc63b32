package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetRow;
import dev.cryosphere.core.dataset.DatasetSchema;
import dev.cryosphere.core.dataset.DatasetWriter;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.physics.Fft;
import dev.cryosphere.core.physics.PixelResample;
import dev.cryosphere.core.util.InputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Executor side of the ingest: reads the images of one {@link PartTask} from its stacks, checks, crops and inverts
 * them, and writes the part file into the temporary output directory. Runs in any JVM (no Spark types).
 */
final class PartWriter {
    private PartWriter() {}

    /**
     * @param imagesDone called once per image handled (a Spark accumulator on executors)
     */
    static PartTask.Result run(PartTask task, PartTask.Settings s, int attempt, LongConsumer imagesDone) {
        Configuration conf = s.conf().toConfiguration();
        Path dir = new Path(s.tempDir());
        String name = DatasetSchema.partName(task.part());
        // each attempt writes its own hidden file, renamed when complete: a retried task never sees a half file
        Path attemptFile = new Path(dir, "." + name + ".attempt-" + attempt);
        Path finalFile = new Path(dir, name);
        List<PartTask.Reject> rejects = new ArrayList<>();
        Map<Integer, Long> groups = new HashMap<>();
        Map<String, MrcReader> readers = new LinkedHashMap<>();
        long rows = 0, first = -1, last = -1, coefficients = 0;
        int sampled = 0;
        double sumRe = 0, sumIm = 0, sumSq = 0;
        try (DatasetWriter w = DatasetWriter.open(attemptFile, conf, s.box())) {
            for (PartTask.Row r : task.rows()) {
                MrcReader mrc = readers.computeIfAbsent(r.stack(), u -> Files2.openMrc(u, conf, s.forceHadoopIo()));
                float[] img = mrc.readImage(r.imageIndex());
                if (s.testDelayMs() > 0) sleep(s.testDelayMs());
                String bad = badness(img);
                if (bad != null) {
                    if (!s.skipBad())
                        throw new InputException(r.stack(), "image " + (r.imageIndex() + 1) + " (" + r.imageName()
                                + ", metadata row " + (r.row() + 1) + ")", bad + " (use --skip-bad to reject such images)");
                    rejects.add(new PartTask.Reject(r.row(), r.imageName(), bad));
                    imagesDone.accept(1);
                    continue;
                }
                double pixelSize = r.outPixelSize();
                if (s.box() != r.sourceBox() || r.fourierBox() != r.sourceBox())
                    img = PixelResample.apply(img, new PixelResample.Plan(r.sourceBox(), r.pixelSize(), r.fourierBox(),
                            s.box(), pixelSize, 0));
                if (s.invert()) for (int i = 0; i < img.length; i++) img[i] = -img[i];
                if (r.sampled()) {
                    double[] f = Fft.forward2d(img, s.box());
                    for (int i = 0; i < f.length; i += 2) {
                        sumRe += f[i];
                        sumIm += f[i + 1];
                        sumSq += f[i] * f[i] + f[i + 1] * f[i + 1];
                    }
                    coefficients += f.length / 2;
                    sampled++;
                }
                double[] c = r.ctf();
                w.write(new DatasetRow(r.row(), r.imageName(), r.opticsGroup(), img, s.box(), pixelSize,
                        Euler.toMatrix(r.rot(), r.tilt(), r.psi()), r.rot(), r.tilt(), r.psi(), r.originX(), r.originY(),
                        new CtfParams(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8])));
                groups.merge(r.opticsGroup(), 1L, Long::sum);
                if (first < 0) first = r.row();
                last = r.row();
                rows++;
                imagesDone.accept(1);
            }
        } catch (IOException e) {
            deleteQuietly(attemptFile, conf);
            throw new UncheckedIOException("writing " + attemptFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(attemptFile, conf);
            throw e;
        } finally {
            for (MrcReader m : readers.values()) m.close();
        }
        long bytes;
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (rows == 0) {
                fs.delete(attemptFile, false);
                bytes = 0;
            } else {
                fs.delete(finalFile, false);
                if (!fs.rename(attemptFile, finalFile)) throw new IOException("cannot rename " + attemptFile + " to " + finalFile);
                bytes = fs.getFileStatus(finalFile).getLen();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PartTask.Result(task.part(), rows == 0 ? null : name, rows, first, last, bytes, rejects, groups,
                sampled, coefficients, sumRe, sumIm, sumSq);
    }

    /** Why an image cannot be used, or null: NaN/Inf pixels, or a constant image. */
    static String badness(float[] img) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : img) {
            if (!Float.isFinite(v)) {
                return Float.isNaN(v) ? "contains NaN pixel values" : "contains infinite pixel values";
            }
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return min == max ? "constant image (every pixel is " + min + ")" : null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteQuietly(Path p, Configuration conf) {
        try {
            p.getFileSystem(conf).delete(p, false);
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
    }
}
