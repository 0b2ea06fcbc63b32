package dev.cryosphere.cli;

import dev.cryosphere.evaluate.job.EvaluateJob;
import dev.cryosphere.evaluate.job.EvaluateOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Evaluate a trained run on a dataset: latents, PCA, k-means, structures, distances, volumes, FSC, report (Spark).",
        description = {
                "Executors encode every particle (latent means), decode structures with the mean segmentation and measure "
                        + "them; the driver runs PCA and k-means on the latents. EVAL gets latents.csv/.parquet, pca.csv, "
                        + "clusters.csv, traversals/ and clusters/ (PDB, mmCIF, MRC, RELION STAR subsets), distances.csv, "
                        + "fsc_per_particle.csv and fsc_mean.csv (with truth maps), structures.parquet (with --structures) "
                        + "and report.html. EVAL appears complete or not at all.",
                "RUN and EVAL may be Hadoop URIs (hdfs://, s3a://, file://): RUN is copied down first, EVAL is written "
                        + "locally and uploaded beside its destination and renamed onto it once complete (docs/cluster.md).",
                "", "Example: cryosphere evaluate --run runs/adk --data /data/adk --out eval --distance lid=A:122-159,A:1-29 --master local[8]"})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    EvaluateOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (RemoteStaging staging = new RemoteStaging()) {
            // picocli has already made Paths of --run and --out, which folds hdfs://host into hdfs:/host: use the text given
            options.run = staging.inputFolder(given("--run"));
            options.out = staging.outputFolder(given("--out"), options.overwrite);
            EvaluateJob.run(options);
            staging.publish();
        }
        return 0;
    }

    private String given(String option) {
        return spec.commandLine().getParseResult().matchedOption(option).stringValues().get(0);
    }
}
