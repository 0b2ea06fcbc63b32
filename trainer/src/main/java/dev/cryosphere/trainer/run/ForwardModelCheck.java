package dev.cryosphere.trainer.run;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.physics.GaussianRenderer;
import dev.cryosphere.core.util.ImageStats;

import java.util.Locale;

/**
 * Before a new run trains: does the base structure, rendered with each particle's own pose, shift and CTF, match the
 * images better than rendered with another particle's? If it does not, training cannot find motions (a model in another
 * frame than the particles' box, a map-frame model not moved into the box, wrong pose conventions): measured, a model
 * 300 Å outside the box trained to correlation −0.002 with exit code 0. The check is paired (same image, own pose vs a
 * neighbour's pose), so it does not depend on the noise level: at SNR 0.01 a single image correlates ~0.1 with its
 * clean projection, and the mean over the sample is compared with its own standard error.
 */
public final class ForwardModelCheck {
    /** How many particles the check renders (the first rows of the first part). */
    public static final int SAMPLE = 64;

    /** The mean paired difference must exceed this many standard errors. */
    static final double Z_BAR = 3.0;

    /**
     * @param own      mean Pearson correlation of each image with the base structure rendered at its own pose
     * @param shuffled the same with the next sampled particle's pose, shift and CTF (chance level)
     * @param z        mean of (own − shuffled) over its standard error
     * @param count    particles compared
     */
    public record Result(double own, double shuffled, double z, int count) {
        public boolean matches() { return z >= Z_BAR && own > shuffled; }

        public String line() {
            return String.format(Locale.ROOT, "train: forward-model check: the base structure rendered with each particle's pose, "
                    + "shift and CTF correlates %.4f with %d images (with another particle's pose: %.4f; %.1f standard errors apart)",
                    own, count, shuffled, z);
        }

        public String warning() {
            return String.format(Locale.ROOT, "warning: the base structure matches the images no better with their own poses than "
                    + "with other particles' (%.4f vs %.4f on %d images): training cannot find motions like this. Check that "
                    + "the structure is in the particles' box frame (box centre at 0,0,0 Å; a model fitted into the consensus "
                    + "map is moved by -(box/2)·apix along x, y and z), and compare `cryosphere render` with the particles",
                    own, shuffled, count);
        }
    }

    private ForwardModelCheck() {}

    /** Measures the match on the first {@link #SAMPLE} rows of the dataset's first part (fewer if it has fewer). */
    public static Result measure(DatasetReader data, AtomicModel base, int box, double apix, double sigma) {
        ParticleBatch b;
        try (DatasetReader.BatchStream s = DatasetReader.readPart(data.parts().get(0), SAMPLE, true)) {
            if (!s.hasNext()) return new Result(Double.NaN, Double.NaN, Double.NaN, 0);
            b = s.next();
        }
        int m = b.size;
        if (m < 2) return new Result(Double.NaN, Double.NaN, Double.NaN, m);
        GaussianRenderer renderer = new GaussianRenderer(box, apix, sigma);
        double[] xyz = base.coordinates(), amp = base.amplitudes();
        double[] own = new double[m], other = new double[m];
        for (int i = 0; i < m; i++) {
            int j = (i + 1) % m;
            own[i] = ImageStats.pearson(b.images[i], renderer.render(xyz, amp, b.rotation[i], b.originXAngst[i], b.originYAngst[i], b.ctf[i]));
            other[i] = ImageStats.pearson(b.images[i], renderer.render(xyz, amp, b.rotation[j], b.originXAngst[j], b.originYAngst[j], b.ctf[j]));
        }
        double meanOwn = mean(own), meanOther = mean(other), meanDiff = meanOwn - meanOther, ss = 0;
        for (int i = 0; i < m; i++) {
            double d = own[i] - other[i] - meanDiff;
            ss += d * d;
        }
        double se = Math.sqrt(ss / (m - 1) / m);
        return new Result(meanOwn, meanOther, se > 0 ? meanDiff / se : Double.NaN, m);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
