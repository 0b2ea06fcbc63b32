package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.Svg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Report section "Latent space": the PCA of the latent means (scatter of PC1/PC2 coloured by k-means cluster, the
 * explained variance per component, the density along PC1) and the cluster sizes, as cryoDRGN's analysis shows them.
 */
final class LatentSection {
    private LatentSection() {}

    static void add(HtmlReport r, Analysis a, Path dir) {
        r.heading("Latent space");
        int[] sizes = clusterSizes(a);
        List<String> clusterNames = new ArrayList<>();
        for (int j = 0; j < sizes.length; j++) clusterNames.add(String.format(Locale.ROOT, "cluster %d (%d)", j, sizes[j]));
        double[] pc1 = a.pc(0), pc2 = a.pc(1);
        r.figure(Svg.scatter("Latent PCA, coloured by k-means cluster", "PC1", a.latentDim() > 1 ? "PC2" : "(latent is 1-D)",
                        pc1, pc2, a.kmeans().assignment(), clusterNames),
                "Encoder means of every particle projected on the first two principal components (clusters.csv).");

        double[] ratio = a.pca().explainedVarianceRatio(), variance = a.pca().explainedVariance();
        List<String> pcs = new ArrayList<>();
        for (int k = 0; k < ratio.length; k++) pcs.add("PC" + (k + 1));
        double[] percent = new double[ratio.length];
        for (int k = 0; k < ratio.length; k++) percent[k] = 100 * ratio[k];
        r.figure(Svg.barChart("Explained variance per component", "% of the latent variance", pcs,
                List.of(new Svg.Series("explained variance", null, percent))), "pca.csv");
        r.figure(Svg.histogram("Density along PC1", "PC1", pc1, 40), "Particles per PC1 bin.");
        List<List<String>> rows = new ArrayList<>();
        double cumulative = 0;
        for (int k = 0; k < ratio.length; k++) {
            cumulative += ratio[k];
            rows.add(List.of(pcs.get(k), String.format(Locale.ROOT, "%.4g", variance[k]),
                    String.format(Locale.ROOT, "%.1f %%", 100 * ratio[k]), String.format(Locale.ROOT, "%.1f %%", 100 * cumulative)));
        }
        r.table(List.of("component", "variance", "explained", "cumulative"), rows);

        double[] share = new double[sizes.length];
        List<String> names = new ArrayList<>();
        int total = 0;
        for (int s : sizes) total += s;
        for (int j = 0; j < sizes.length; j++) {
            share[j] = sizes[j];
            names.add("cluster " + j);
        }
        r.figure(Svg.barChart("Cluster sizes (k-means)", "particles", names, List.of(new Svg.Series("particles", null, share))),
                "cluster_centres.csv");
        rows = new ArrayList<>();
        for (int j = 0; j < sizes.length; j++) {
            String name = Analysis.clusterName(j);
            List<String> row = new ArrayList<>(List.of("cluster " + j, String.valueOf(sizes[j]),
                    String.format(Locale.ROOT, "%.1f %%", total == 0 ? 0 : 100.0 * sizes[j] / total),
                    String.valueOf(a.particles()[a.centreRows()[j]])));
            row.add(Files.exists(dir.resolve(name + ".pdb")) ? "link:" + name + ".pdb" : "");
            row.add(Files.exists(dir.resolve(name + ".star")) ? "link:" + name + ".star" : "");
            rows.add(row);
        }
        r.table(List.of("cluster", "particles", "share", "centre: nearest particle", "centre structure", "particle subset"), rows);
    }

    static int[] clusterSizes(Analysis a) {
        int[] n = new int[a.clusters()];
        for (int x : a.kmeans().assignment()) n[x]++;
        return n;
    }
}
