package dev.cryosphere.cli;

import dev.cryosphere.evaluate.job.EvaluateJob;
import dev.cryosphere.evaluate.job.EvaluateOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Evaluate a trained run on a dataset: latents, PCA, k-means, structures, distances, volumes, FSC, report (Spark).",
        description = {
                "Executors encode every particle (latent means), decode structures with the mean segmentation and measure "
                        + "them; the driver runs PCA and k-means on the latents. EVAL gets latents.csv/.parquet, pca.csv, "
                        + "clusters.csv, traversals/ and clusters/ (PDB, mmCIF, MRC, RELION STAR subsets), distances.csv, "
                        + "fsc_per_particle.csv and fsc_mean.csv (with truth maps), structures.parquet (with --structures) "
                        + "and report.html. EVAL appears complete or not at all.",
                "", "Example: cryosphere evaluate --run runs/adk --data /data/adk --out eval --distance lid=A:122-159,A:1-29 --master local[8]"})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    EvaluateOptions options;

    @Override
    public Integer call() {
        EvaluateJob.run(options);
        return 0;
    }
}
