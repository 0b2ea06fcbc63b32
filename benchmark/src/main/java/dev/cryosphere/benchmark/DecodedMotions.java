package dev.cryosphere.benchmark;

import dev.cryosphere.core.geometry.ResidueTransforms;
import dev.cryosphere.evaluate.job.ParticleTask;
import dev.cryosphere.trainer.model.Deformation;
import dev.cryosphere.trainer.run.TrainedModel;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-residue motions ({@link Deformation#transforms}) of the compared particles' predicted structures, decoded
 * again from their latent means (evaluate's latents.csv, full precision) with the run's model and the segmentation
 * evaluate used (the mean one, or with {@code sample} the draw of {@link ParticleTask#segmentationNoise}).
 * structures.parquet holds only the sites; a full-atom structure needs the motion itself. Each motion is checked
 * against the site coordinates evaluate wrote: moving the base sites must give them back.
 */
final class DecodedMotions {
    /**
     * Largest accepted distance (Å) between a re-decoded site and structures.parquet's: the file holds float32
     * (~1e-5 Å at 100 Å), and the decoder may run with other BLAS threads than evaluate's (last bits); anything
     * larger means another model, latent or segmentation.
     */
    static final double SITE_TOLERANCE = 1e-3;

    private final Map<Long, double[]> decoded;
    private final double[][] meanWeights;
    private final TrainedModel model;
    private final boolean sample;
    private final long seed;

    private DecodedMotions(Map<Long, double[]> decoded, double[][] meanWeights, TrainedModel model, boolean sample, long seed) {
        this.decoded = decoded;
        this.meanWeights = meanWeights;
        this.model = model;
        this.sample = sample;
        this.seed = seed;
    }

    /**
     * @param z         latent means of every particle (row = particle index)
     * @param predicted particle → its predicted sites (structures.parquet)
     * @param sample    whether evaluate drew one segmentation per particle ({@code --sample})
     * @param seed      evaluate's {@code --seed}
     * @throws IllegalStateException where a re-decoded structure is not the one evaluate wrote
     */
    static DecodedMotions decode(TrainedModel model, double[][] z, Map<Long, float[]> predicted, boolean sample, long seed) {
        long[] particles = predicted.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        double[][] zs = new double[particles.length][];
        for (int k = 0; k < particles.length; k++) zs[k] = z[(int) particles[k]];
        double[][] out = particles.length == 0 ? new double[0][] : model.decode(zs);
        Map<Long, double[]> byParticle = new HashMap<>();
        for (int k = 0; k < particles.length; k++) byParticle.put(particles[k], out[k]);
        DecodedMotions m = new DecodedMotions(byParticle, sample ? null : model.segmentation(null), model, sample, seed);
        double[] base = model.structure().xyz();
        for (long p : particles) {
            double[] sites = m.of(p).applyToSites(base);
            float[] written = predicted.get(p);
            if (written.length != sites.length)
                throw new IllegalStateException("structures.parquet: particle " + p + " has " + written.length / 3
                        + " sites, the run's base structure " + sites.length / 3);
            double worst = 0;
            for (int i = 0; i < sites.length; i++) worst = Math.max(worst, Math.abs(sites[i] - written[i]));
            if (worst > SITE_TOLERANCE)
                throw new IllegalStateException(String.format(java.util.Locale.ROOT, "particle %d: the structure decoded "
                        + "from its latent differs from structures.parquet by %.3g Å (another run or evaluate setting?)", p, worst));
        }
        return m;
    }

    /** The per-residue motion of particle {@code p} (one of the compared particles). */
    ResidueTransforms of(long p) {
        double[] d = decoded.get(p);
        if (d == null) throw new IllegalArgumentException("particle " + p + " was not decoded");
        double[][] w = sample ? model.segmentation(ParticleTask.segmentationNoise(seed, p, 3 * model.config().segments())) : meanWeights;
        return Deformation.transforms(w, d);
    }
}
