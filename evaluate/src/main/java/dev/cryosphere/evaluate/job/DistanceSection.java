package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.Svg;

import java.util.ArrayList;
import java.util.List;

/**
 * Report section "Domain distances": each {@code --distance} per particle against its PC1 and PC2 coordinates,
 * coloured by cluster, so that a latent direction that moves the domains shows as a trend.
 */
final class DistanceSection {
    private DistanceSection() {}

    static void add(HtmlReport r, List<DistanceSpec> distances, List<ParticleResult> rows, Analysis a) {
        if (distances.isEmpty()) return;
        r.heading("Domain distances");
        List<String> clusters = new ArrayList<>();
        for (int j = 0; j < a.clusters(); j++) clusters.add("cluster " + j);
        for (int k = 0; k < distances.size(); k++) {
            DistanceSpec d = distances.get(k);
            double[] v = new double[rows.size()];
            for (int i = 0; i < v.length; i++) v[i] = rows.get(i).distances()[k];
            String what = "Centroid distance between " + d.first() + " and " + d.second()
                    + " in each particle's decoded structure (distances.csv)";
            for (int pc = 0; pc < Math.min(2, a.latentDim()); pc++)
                r.figure(Svg.scatter(d.name() + " against PC" + (pc + 1), "PC" + (pc + 1), d.name() + " (Å)", a.pc(pc), v,
                        a.kmeans().assignment(), clusters), what + " against its PC" + (pc + 1) + " coordinate.");
        }
    }
}
