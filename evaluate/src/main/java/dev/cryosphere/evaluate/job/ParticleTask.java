package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.Fsc;
import dev.cryosphere.core.physics.GaussianVolume;
import dev.cryosphere.evaluate.EncoderInput;
import dev.cryosphere.trainer.model.Deformation;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.TrainedModel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-particle stage, run inside the executors: reads its slice of a part file, encodes the images (latent means),
 * decodes structures where something needs them (distances, truth FSC, --structures) and returns one small
 * {@link ParticleResult} per particle. Structures use the mean segmentation unless {@code sample}: then one
 * segmentation draw per particle, seeded by (seed, particle index), so still reproducible.
 */
public record ParticleTask(String run, int epoch, int batch, List<DistanceSpec> distances, TruthMaps truth,
                           StructureSelection structures, boolean sample, long seed) implements Serializable {

    public List<ParticleResult> apply(PartSlice slice) {
        ModelCache.Loaded loaded = ModelCache.get(run, epoch);
        TrainedModel model = loaded.model();
        ModelConfig c = model.config();
        double[] baseXyz = model.structure().xyz();
        double[] amplitudes = model.structure().amplitudes();
        List<ParticleResult> out = new ArrayList<>((int) slice.rows());
        long skipped = 0;
        try (DatasetReader.BatchStream s = DatasetReader.readPart(slice.partUri(), batch, true)) {
            while (s.hasNext() && out.size() < slice.rows()) {
                ParticleBatch b = s.next();
                int from = (int) Math.max(0, Math.min(b.size, slice.skip() - skipped));
                skipped += b.size;
                int to = (int) Math.min(b.size, from + slice.rows() - out.size());
                if (from >= to) continue;
                double[][] z = model.encode(EncoderInput.of(b.images, from, to, c));
                double[][] decoded = needsStructures(b, from, to) ? model.decode(z) : null;
                for (int i = from; i < to; i++) {
                    long p = b.particleIndex[i];
                    double[] xyz = null;
                    if (decoded != null) {
                        double[][] w = sample ? model.segmentation(noise(p, 3 * c.segments())) : loaded.meanWeights();
                        xyz = Deformation.apply(baseXyz, w, decoded[i - from]);
                    }
                    out.add(result(p, b.imageName[i], z[i - from], xyz, c, amplitudes));
                }
            }
        }
        return out;
    }

    private boolean needsStructures(ParticleBatch b, int from, int to) {
        if (!distances.isEmpty()) return true;
        for (int i = from; i < to; i++)
            if (structures.contains(b.particleIndex[i]) || (truth != null && truth.fileOf(b.particleIndex[i]) != null)) return true;
        return false;
    }

    private ParticleResult result(long p, String name, double[] z, double[] xyz, ModelConfig c, double[] amplitudes) {
        double[] d = new double[distances.size()];
        for (int k = 0; k < d.length; k++) d[k] = distances.get(k).measure(xyz);
        double r5 = Double.NaN, r143 = Double.NaN, auc = Double.NaN;
        double[] fsc = null;
        String map = truth == null ? null : truth.fileOf(p);
        if (map != null) {
            Volume predicted = GaussianVolume.render(xyz, amplitudes, c.box(), c.apix(), c.sigma());
            Fsc.Curve curve = Fsc.compute(predicted, TruthMaps.load(map));
            r5 = curve.resolutionAt(0.5);
            r143 = curve.resolutionAt(0.143);
            auc = auc(curve);
            fsc = curve.fsc();
        }
        float[] coords = null;
        if (xyz != null && structures.contains(p)) {
            coords = new float[xyz.length];
            for (int k = 0; k < xyz.length; k++) coords[k] = (float) xyz[k];
        }
        return new ParticleResult(p, name, z, d, r5, r143, auc, fsc, coords);
    }

    /** Trapezoid area under the FSC curve over frequency in cycles/pixel (CryoBench's AUC; empty shells count 0). */
    public static double auc(Fsc.Curve curve) {
        double area = 0;
        double[] f = curve.frequency(), v = curve.fsc();
        for (int i = 1; i < v.length; i++) {
            double a = Double.isFinite(v[i - 1]) ? v[i - 1] : 0, b = Double.isFinite(v[i]) ? v[i] : 0;
            area += 0.5 * (a + b) * (f[i] - f[i - 1]) * curve.pixelSize();
        }
        return area;
    }

    private double[] noise(long particle, int n) {
        return segmentationNoise(seed, particle, n);
    }

    /**
     * The segmentation noise of particle {@code particle} under {@code --sample} with evaluate's {@code --seed}: the
     * one place that defines it, so that the benchmark decodes the very structures evaluate wrote.
     */
    public static double[] segmentationNoise(long seed, long particle, int n) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + particle);
        double[] e = new double[n];
        for (int i = 0; i < n; i++) e[i] = r.nextGaussian();
        return e;
    }
}
