package dev.cryosphere.cli;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.ingest.IngestJob;
import dev.cryosphere.ingest.IngestOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench-ingest", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Benchmark the ingest job on a simulated particle set; prints images/s.",
        description = {"Simulates N images (bundled 1AKE chain A, hinge motion, CTF, SNR 0.1; reused when WORK already "
                + "holds the same set), ingests them with the given master and prints the rate of the executor phase "
                + "and the total time (Spark start, validation and commit included), with the driver heap size.",
                "", "Example (see benchmarks/ingest.sh): CRYOSPHERE_JAVA_OPTS=-Xmx512m cryosphere bench-ingest -n 12000 --box 128"})
public final class BenchIngestCommand implements Callable<Integer> {
    @Option(names = {"-n", "--count"}, description = "Images to simulate.")
    int count = 20000;

    @Option(names = "--box", description = "Image side, pixels.")
    int box = 64;

    @Option(names = "--master", description = "Spark master.")
    String master = "local[2]";

    @Option(names = "--shard-mb", description = "Part-file size, MiB.")
    int shardMb = 128;

    @Option(names = "--work", paramLabel = "DIR", description = "Working folder (simulated set and dataset); default: a temporary folder, removed after.")
    Path work;

    @Override
    public Integer call() throws Exception {
        boolean temporary = work == null;
        Path dir = temporary ? Files.createTempDirectory("cryosphere-bench-ingest") : work;
        try {
            Path sim = dir.resolve(String.format(Locale.ROOT, "sim-%dpx-%d", box, count));
            if (!Files.exists(sim.resolve("particles.star"))) {
                Path pdb = dir.resolve("1ake_A.pdb");
                try (InputStream in = BenchIngestCommand.class.getResourceAsStream("/demo/1ake_A.pdb")) {
                    if (in == null) throw new IllegalStateException("bundled demo structure missing from the jar");
                    Files.copy(in, pdb, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                int rc = CryosphereCommand.execute("simulate", "--structure", pdb.toString(), "--center", "--hinge",
                        "A:122-159", "--hinge-axis", "A:121,A:160", "-n", String.valueOf(count), "--box",
                        String.valueOf(box), "--apix", String.format(Locale.ROOT, "%.4f", 2.0 * 64 / box), "--snr", "0.1",
                        "--seed", "0", "--overwrite", "--out", sim.toString());
                if (rc != 0) throw new IllegalStateException("simulate failed with exit code " + rc);
            } else {
                System.out.println("bench-ingest: reusing " + sim);
            }
            long stackBytes = Files.size(sim.resolve("particles.mrcs"));
            IngestOptions o = IngestOptions.of(sim.resolve("particles.star").toString(), dir.resolve("dataset").toString());
            o.overwrite = true;
            o.master = master;
            o.shardMb = shardMb;
            o.commandLine = "cryosphere bench-ingest";
            IngestJob.Result r = IngestJob.run(o);
            long heap = Runtime.getRuntime().maxMemory();
            System.out.printf(Locale.ROOT, "bench-ingest: %d images of %d px (%.0f MiB of stacks, driver heap %.0f MiB, "
                            + "%d cores, master %s): %.0f images/s in the executors, %.1f s in all (%.0f images/s end to end)%n",
                    r.info().count(), box, stackBytes / 1048576.0, heap / 1048576.0,
                    Runtime.getRuntime().availableProcessors(), master, r.imagesPerSecond(), r.seconds(),
                    r.info().count() / r.seconds());
            return 0;
        } finally {
            if (temporary) AtomicOutput.deleteRecursively(dir);
        }
    }
}
