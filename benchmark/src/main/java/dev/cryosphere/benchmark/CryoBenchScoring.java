package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.MrcWriter;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.CryoBenchFsc;
import dev.cryosphere.core.physics.GaussianVolume;
import dev.cryosphere.core.physics.SoftMask;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The CryoBench metrics of one benchmark entry (docs/user-guide.md, "CryoBench metrics"): per-image and
 * per-conformation FSC ({@link CryoBenchFsc}) without and with a soft mask from the truth ({@link SoftMask}), and the
 * neighbourhood similarity of the latents ({@link LatentMetrics}). Writes, into its output folder, {@code mask.mrc},
 * {@code fsc_per_image.csv} and {@code fsc_per_conformation.csv}.
 */
final class CryoBenchScoring {
    private CryoBenchScoring() {}

    /** Neighbourhood radii reported (fractions of a subset), and CryoBench's number of interleaved subsets. */
    static final double RADIUS_SMALL = 0.01, RADIUS_LARGE = 0.10;
    static final int SUBSETS = 5;

    /**
     * Means and medians over the compared particles (per image) and over the conformations (per conformation); NaN
     * where not measured.
     */
    record Result(int images, double auc, double aucMasked, double res05, double res0143, double res05Masked,
                  double res0143Masked, int conformations, double confAuc, double confAucMasked, double confRes0143,
                  double confRes0143Masked, double neighbourSmall, double neighbourLarge) {}

    /**
     * @param predicted   particle index → its predicted structure (flat Å, the same frame as the truth)
     * @param bin         per particle: its conformation (the truth map it is compared with)
     * @param truthMaps   per bin used: the true map
     * @param maps        how a particle's predicted map is made (the same way as the true maps)
     * @param z           latent means of every particle (row = particle index)
     * @param trueCoord   per particle, the true continuous coordinate(s) for the neighbourhood similarity, or null
     */
    static Result score(Map<Long, float[]> predicted, int[] bin, Map<Integer, Volume> truthMaps, PredictedMaps maps,
                        double[][] z, double[][] trueCoord, Path out) throws IOException {
        double ns = Double.NaN, nl = Double.NaN;
        if (trueCoord != null && z.length >= SUBSETS) {
            ns = LatentMetrics.neighbourhoodSimilarity(trueCoord, z, RADIUS_SMALL, SUBSETS).mean();
            nl = LatentMetrics.neighbourhoodSimilarity(trueCoord, z, RADIUS_LARGE, SUBSETS).mean();
        }
        if (predicted.isEmpty() || truthMaps.isEmpty())
            return new Result(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, ns, nl);
        Files.createDirectories(out);
        Volume any = truthMaps.values().iterator().next();
        int n = any.nx();
        double apix = any.pixelSize();
        // one mask for the whole entry (as CryoBench's one mask file per data set): from the envelope of the true maps
        float[] envelope = new float[n * n * n];
        Arrays.fill(envelope, Float.NEGATIVE_INFINITY);
        for (Volume v : truthMaps.values())
            for (int i = 0; i < envelope.length; i++) envelope[i] = Math.max(envelope[i], v.data()[i]);
        float[] mask = SoftMask.fromMap(envelope, n, SoftMask.THRESHOLD_FRACTION, SoftMask.EXTEND_PX, SoftMask.SOFT_PX);
        MrcWriter.writeVolume(out.resolve("mask.mrc"), new Volume(mask, n, n, n, apix, any.origin()));
        Map<Integer, double[][]> truthSpectra = new HashMap<>();
        for (var e : truthMaps.entrySet())
            truthSpectra.put(e.getKey(), new double[][]{CryoBenchFsc.spectrum(e.getValue().data(), n, null),
                    CryoBenchFsc.spectrum(e.getValue().data(), n, mask)});

        long[] particles = predicted.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        // per image: {auc, auc masked, res 0.5, res 0.143, res 0.5 masked, res 0.143 masked}
        double[][] perImage = new double[particles.length][];
        IntStream.range(0, particles.length).parallel().forEach(k -> {
            CryoBenchFsc.Curve[] c = curves(maps.map(particles[k], predicted.get(particles[k])),
                    truthSpectra.get(bin[(int) particles[k]]), n, apix, mask);
            perImage[k] = new double[]{c[0].auc(), c[1].auc(), c[0].resolutionAt(0.5), c[0].resolutionAt(0.143),
                    c[1].resolutionAt(0.5), c[1].resolutionAt(0.143)};
        });
        try (CSVPrinter w = CsvTable.printer(Files.newBufferedWriter(out.resolve("fsc_per_image.csv")))) {
            w.printRecord("particle_index", "conformation", "auc", "auc_masked", "res_0.5_A", "res_0.143_A", "res_0.5_masked_A",
                    "res_0.143_masked_A");
            for (int k = 0; k < particles.length; k++) {
                List<Object> row = new ArrayList<>(List.of(particles[k], bin[(int) particles[k]]));
                for (double v : perImage[k]) row.add(fmt(v));
                w.printRecord(row);
            }
        }

        // per conformation: the map at the compared particle nearest to its conformation's mean latent
        boolean[] use = new boolean[z.length];
        for (long p : particles) use[(int) p] = true;
        Map<Integer, Integer> nearest = LatentMetrics.nearestToMean(z, bin, use);
        List<double[]> perConf = new ArrayList<>();
        try (CSVPrinter w = CsvTable.printer(Files.newBufferedWriter(out.resolve("fsc_per_conformation.csv")))) {
            w.printRecord("conformation", "particle_index", "point", "pixres", "frequency", "fsc", "fsc_masked");
            for (var e : nearest.entrySet()) {
                int p = e.getValue();
                CryoBenchFsc.Curve[] c = curves(maps.map(p, predicted.get((long) p)), truthSpectra.get(e.getKey()), n, apix, mask);
                for (int i = 0; i < c[0].fsc().length; i++)
                    w.printRecord(e.getKey(), p, i, fmt(c[0].pixres()[i]), fmt(c[0].pixres()[i] / apix), fmt(c[0].fsc()[i]),
                            fmt(c[1].fsc()[i]));
                perConf.add(new double[]{c[0].auc(), c[1].auc(), c[0].resolutionAt(0.143), c[1].resolutionAt(0.143)});
            }
        }
        double[][] conf = perConf.toArray(double[][]::new);
        return new Result(particles.length, mean(perImage, 0), mean(perImage, 1), median(perImage, 2), median(perImage, 3),
                median(perImage, 4), median(perImage, 5), conf.length, mean(conf, 0), mean(conf, 1), median(conf, 2),
                median(conf, 3), ns, nl);
    }

    /** A particle's predicted map (n³, the true maps' grid) from its index and predicted site coordinates. */
    @FunctionalInterface
    interface PredictedMaps {
        float[] map(long particle, float[] sites);
    }

    /** Gaussian maps of the predicted sites (simulated entries: the truth is rendered the same way). */
    static PredictedMaps gaussian(double[] amplitudes, double sigma, int n, double apix) {
        return (p, xyz) -> {
            double[] x = new double[xyz.length];
            for (int i = 0; i < x.length; i++) x[i] = xyz[i];
            return GaussianVolume.render(x, amplitudes, n, apix, sigma).data();
        };
    }

    /** Unmasked and masked CryoBench curves of a predicted map against a true map's spectra. */
    private static CryoBenchFsc.Curve[] curves(float[] map, double[][] truth, int n, double apix, float[] mask) {
        return new CryoBenchFsc.Curve[]{CryoBenchFsc.compare(CryoBenchFsc.spectrum(map, n, null), truth[0], n, apix),
                CryoBenchFsc.compare(CryoBenchFsc.spectrum(map, n, mask), truth[1], n, apix)};
    }

    private static double mean(double[][] rows, int c) {
        return Arrays.stream(rows).mapToDouble(r -> r[c]).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    private static double median(double[][] rows, int c) {
        return BenchmarkTruth.median(Arrays.stream(rows).mapToDouble(r -> r[c]).toArray());
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.7g", v) : "";
    }
}
