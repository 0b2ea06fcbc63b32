package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.RemoteFolder;
import dev.cryosphere.evaluate.job.LatentFilter;
import dev.cryosphere.evaluate.job.ParticleExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "select", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Export the particles whose latents pass a condition as a RELION STAR file (and .cs for a .cs dataset).",
        description = "Columns: those of EVAL/latents.csv (z0…) and of EVAL/clusters.csv beside it (cluster, pc1…). "
                + "The subset is taken from the dataset's source metadata (every column and the optics table of a STAR source), "
                + "so RELION can refine it directly.",
        footer = "Example: cryosphere select --latents eval/latents.csv --data /data/adk --where 'cluster == 3 and pc1 > 0' --out sel/open")
public final class SelectCommand implements Callable<Integer> {
    @Option(names = "--latents", required = true, paramLabel = "CSV", description = "EVAL/latents.csv of `cryosphere evaluate` "
            + "(a path or a Hadoop URI: hdfs://, s3a://, file://).")
    String latentsArg;

    @Option(names = "--where", required = true, paramLabel = "EXPR", description = "COLUMN OP NUMBER [and ...], OP one of < <= > >= == !=.")
    String where;

    @Option(names = "--data", required = true, paramLabel = "D", description = "The dataset that was evaluated.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "BASE", description = "Output name without extension: writes "
            + "BASE.star (and BASE.cs); a Hadoop URI writes them locally and uploads each beside and renames it once complete.")
    String outArg;

    @Option(names = "--relion-project", paramLabel = "DIR",
            description = "Write image paths relative to this RELION project folder (where RELION runs); default: the "
                    + "paths as the source metadata writes them.")
    Path relionProject;

    @Option(names = "--absolute-paths", description = "Write absolute image paths.")
    boolean absolutePaths;

    @Option(names = "--overwrite", description = "Replace existing output files.")
    boolean overwrite;

    @Override
    public Integer call() {
        try (RemoteStaging staging = new RemoteStaging()) {
            Path out = staging.outputBase(outArg, overwrite, ".star", ".cs");
            Path latents = staging.inputFile(latentsArg, "clusters.csv");
            select(latents, out);
            staging.publish();
            if (RemoteFolder.isRemote(outArg)) System.out.println("select: uploaded to " + outArg + ".star");
        }
        return 0;
    }

    private void select(Path latents, Path out) {
        LatentFilter filter = LatentFilter.parse(where);
        ParticleExport.requireOnePathChoice(relionProject, absolutePaths);
        ParticleExport export = ParticleExport.of(DatasetReader.open(data).info()).relativeTo(relionProject)
                .absolute(absolutePaths);
        Path star = out.resolveSibling(out.getFileName() + ".star");
        if (Files.exists(star) && !overwrite) throw new InputException(star, null, "already exists (use --overwrite to replace it)");
        long[] picked = filter.select(latents);
        if (picked.length == 0) throw new InputException(latents, "--where", "no particle matches '" + where + "'; nothing written");
        export.write(out, picked);
        System.out.println("select: " + picked.length + " particles -> " + star + (export.sourceIsCs() ? " (and .cs)" : "")
                + "; " + export.pathNote());
    }
}
