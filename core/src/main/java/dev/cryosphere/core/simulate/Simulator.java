package dev.cryosphere.core.simulate;

import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.physics.GaussianRenderer;
import dev.cryosphere.core.util.ImageStats;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Synthetic particles from a base structure and a {@link Motion}: poses uniform on SO(3), Gaussian shifts, random
 * defocus, the {@link GaussianRenderer} forward model, then white Gaussian noise with
 * variance = (mean over all images of the clean image variance) / SNR — the reference's definition.
 * <p>
 * Two passes: the first measures the clean variances (so the noise level is exact, not estimated on a sample), the
 * second renders again and adds noise. Particle i draws everything from its own stream derived from (seed, i), so the
 * output is identical whatever the number of threads.
 */
public final class Simulator {
    private final SimulationSpec spec;
    private final Motion motion;
    private final double[] amplitudes;
    private final GaussianRenderer renderer;

    public Simulator(SimulationSpec spec, Motion motion, double[] amplitudes) {
        this.spec = spec;
        this.motion = motion;
        this.amplitudes = amplitudes.clone();
        this.renderer = new GaussianRenderer(spec.box(), spec.pixelSize(), spec.sigma());
    }

    /** Receives particles in index order. */
    public interface Sink {
        void accept(SimulatedParticle truth, float[] clean, float[] noisy) throws java.io.IOException;
    }

    /** Result summary: the noise standard deviation used and the mean clean-image variance. */
    public record Summary(double noiseSd, double meanCleanVariance) {}

    private record Drawn(SimulatedParticle truth, float[] clean) {}

    private Drawn draw(int i) {
        SplittableRandom rng = new SplittableRandom(mix(spec.seed(), i));
        Motion.Conformation conf = motion.sample(rng);
        double[] rotation = Rotations.uniform(new java.util.Random(rng.nextLong()));
        double[] euler = Euler.fromMatrix(rotation);
        double ox = spec.shiftSd() * gaussian(rng), oy = spec.shiftSd() * gaussian(rng);
        CtfParams ctf = null;
        if (spec.applyCtf()) {
            double u = spec.defocusMin() + (spec.defocusMax() - spec.defocusMin()) * rng.nextDouble();
            double v = u - spec.astigmatism() * rng.nextDouble();
            double angle = 180 * rng.nextDouble();
            ctf = CtfParams.of(u, v, angle, spec.voltage(), spec.cs(), spec.ampContrast());
        }
        // render from the Euler angles that will be written, so a reader of the STAR file reproduces the image
        double[] posed = Euler.toMatrix(euler[0], euler[1], euler[2]);
        float[] clean = renderer.render(conf.coordinates(), amplitudes, posed, ox, oy, ctf);
        return new Drawn(new SimulatedParticle(i, conf.index(), conf.angleDeg(), euler[0], euler[1], euler[2], ox, oy, ctf),
                clean);
    }

    /** Runs both passes; {@code progress} is called with the number of images done (out of 2·count when noisy). */
    public Summary run(Sink sink, LongConsumer progress) throws java.io.IOException {
        int n = spec.count();
        AtomicLong done = new AtomicLong();
        double meanVar = 0;
        if (spec.noisy()) {
            double[] vars = new double[n];
            IntStream.range(0, n).parallel().forEach(i -> {
                vars[i] = ImageStats.variance(draw(i).clean());
                progress.accept(done.incrementAndGet());
            });
            for (double v : vars) meanVar += v / n;
        }
        double noiseSd = spec.noisy() ? Math.sqrt(meanVar / spec.snr()) : 0;
        // second pass in chunks: parallel rendering, sequential (ordered) writing
        int chunk = 256;
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            Drawn[] batch = new Drawn[end - start];
            float[][] noisy = new float[end - start][];
            int s0 = start;
            IntStream.range(start, end).parallel().forEach(i -> {
                Drawn d = draw(i);
                batch[i - s0] = d;
                noisy[i - s0] = addNoise(d.clean(), noiseSd, i);
                progress.accept(done.incrementAndGet());
            });
            for (int k = 0; k < batch.length; k++) sink.accept(batch[k].truth(), batch[k].clean(), noisy[k]);
        }
        return new Summary(noiseSd, meanVar);
    }

    private float[] addNoise(float[] clean, double sd, int i) {
        if (sd == 0) return clean.clone();
        // a stream independent of the one used for the pose and CTF
        SplittableRandom rng = new SplittableRandom(mix(spec.seed() ^ 0x5DEECE66DL, i));
        float[] out = new float[clean.length];
        for (int p = 0; p < clean.length; p++) out[p] = (float) (clean[p] + sd * gaussian(rng));
        return out;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian in Java 17
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + (i + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
