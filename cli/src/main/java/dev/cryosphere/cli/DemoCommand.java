package dev.cryosphere.cli;

import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.ImageStats;
import dev.cryosphere.core.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * End-to-end demo on data generated from the structure bundled in the jar (chain A of 1AKE, adenylate kinase):
 * every stage that exists so far. Users have no ../shared, so nothing here may read it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Run every stage end to end on bundled demo data (local Spark, embedded defaults).",
        description = {"Uses the bundled adenylate kinase structure (1AKE chain A): simulates a hinge motion of its LID "
                + "domain (A:122-159), summarises the outputs, ingests them into a Parquet dataset on local Spark, re-renders the poses with the base structure as a "
                + "forward-model check, and computes an FSC between the Gaussian maps of the two ends of the motion.",
                "Each stage runs the same code as its own command; the commands it runs are printed."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder.")
    Path out = Path.of("demo-out");

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Number of simulated particles.")
    int count = 2000;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs in the demo (default 2; a run with the default settings is 80,000 images, 40 epochs of this set).")
    int epochs = 2;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite = true;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        try (AtomicOutput o = AtomicOutput.directory(out, overwrite)) {
            Path dir = o.path();
            tempDir = dir;
            Path pdb = dir.resolve("structure/1ake_A.pdb");
            Files.createDirectories(pdb.getParent());
            try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/1ake_A.pdb")) {
                if (in == null) throw new IllegalStateException("bundled demo structure missing from the jar");
                Files.copy(in, pdb);
            }
            Path sim = dir.resolve("simulated");
            step("simulate", "--structure", pdb.toString(), "--center", "--hinge", "A:122-159", "--hinge-axis", "A:121,A:160",
                    "--hinge-angles", "-20:20", "-n", String.valueOf(count), "--box", "64", "--apix", "2.0",
                    "--snr", "0.1", "--seed", "0", "--write-clean", "--out", sim.toString());
            step("info", sim.resolve("particles.star").toString());
            step("info", sim.resolve("base.pdb").toString());
            Path render = dir.resolve("render_check.mrcs");
            step("render", "--structure", sim.resolve("base.pdb").toString(), "--particles",
                    sim.resolve("particles.star").toString(), "--out", render.toString());
            double r = meanCorrelation(render, sim.resolve("particles_clean.mrcs"));
            System.out.printf(Locale.ROOT, "demo: forward-model check: mean Pearson(render of base structure, clean "
                    + "simulated images) = %.3f (below 1 only because of the hinge motion)%n", r);
            step("ingest", "--particles", sim.resolve("particles.star").toString(), "--out", dir.resolve("dataset").toString(),
                    "--master", "local[2]");
            Files.createDirectories(dir.resolve("volumes"));
            Path closedMap = dir.resolve("volumes/hinge_min.mrc"), openMap = dir.resolve("volumes/hinge_max.mrc");
            step("volume", "--structure", sim.resolve("conformations/hinge_min.pdb").toString(), "--box", "64", "--apix", "2.0",
                    "--out", closedMap.toString());
            step("volume", "--structure", sim.resolve("conformations/hinge_max.pdb").toString(), "--box", "64", "--apix", "2.0",
                    "--out", openMap.toString());
            step("fsc", closedMap.toString(), openMap.toString(), "--out", dir.resolve("volumes/fsc_min_vs_max.csv").toString());
            // a short training run (the default is 80,000 images): shows the run folder, metrics and checkpoints
            Path trainConfig = dir.resolve("train.yaml");
            // the default settings (which learn the segmentation), shortened: larger steps for the few epochs of a demo
            Files.writeString(trainConfig, String.join("\n", "batch_size: 64", "epochs: " + epochs, "lr_networks: 1.0e-3", ""));
            step("train", "--data", dir.resolve("dataset").toString(), "--structure", sim.resolve("base.pdb").toString(),
                    "--out", dir.resolve("run").toString(), "--config", trainConfig.toString());
            step("evaluate", "--run", dir.resolve("run").toString(), "--data", dir.resolve("dataset").toString(),
                    "--out", dir.resolve("eval").toString(), "--master", "local[2]", "--clusters", "4",
                    "--distance", "lid_core=A:122-159,A:1-29");
            o.commit();
        }
        System.out.printf(Locale.ROOT, "demo: done in %.1f s; outputs in %s%n", (System.nanoTime() - t0) / 1e9,
                out.toAbsolutePath());
        System.out.println("  simulated/particles.star, particles.mrcs  synthetic particle set (RELION 3.1)");
        System.out.println("  simulated/ground_truth.csv                hinge angle, pose, shift, CTF per particle");
        System.out.println("  dataset/                                   the particles as a sharded Parquet dataset (ingest)");
        System.out.println("  render_check.mrcs                          base structure rendered with the same poses and CTFs");
        System.out.println("  volumes/hinge_min.mrc, hinge_max.mrc       Gaussian maps of the two ends of the motion (open in ChimeraX)");
        System.out.println("  run/                                       training run: config, metrics.csv, checkpoints/");
        System.out.println("  eval/report.html                           evaluation report (open in a browser); eval/ has latents, clusters, structures");
        System.out.println("  volumes/fsc_min_vs_max.csv                 FSC between them: the resolution at which the motion shows");
        return 0;
    }

    private Path tempDir;

    private void step(String... args) {
        // show the command with the final output folder, not the temporary one it writes to until the demo completes
        String shown = String.join(" ", args).replace(tempDir.toString(), out.toString());
        System.out.println("\n$ cryosphere " + shown);
        int rc = CryosphereCommand.execute(args);
        if (rc != 0) throw new IllegalStateException("demo step '" + args[0] + "' failed with exit code " + rc);
    }

    static double meanCorrelation(Path a, Path b) {
        try (MrcReader ra = MrcReader.open(a); MrcReader rb = MrcReader.open(b)) {
            if (ra.count() != rb.count()) throw new InputException(b, null, "image counts differ from " + a);
            double sum = 0;
            for (long i = 0; i < ra.count(); i++) sum += ImageStats.pearson(ra.readImage(i), rb.readImage(i));
            return sum / ra.count();
        }
    }
}
