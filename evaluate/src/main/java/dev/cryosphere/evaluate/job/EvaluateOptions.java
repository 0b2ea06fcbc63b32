package dev.cryosphere.evaluate.job;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options of `cryosphere evaluate` (declared once, used by the command line and by tests). */
public final class EvaluateOptions {
    @Option(names = "--run", required = true, paramLabel = "RUN", description = "Training run folder (config.json, checkpoints/).")
    public Path run;

    @Option(names = "--data", required = true, paramLabel = "D", description = "Ingested dataset (cryosphere ingest), path or Hadoop URI.")
    public String data;

    @Option(names = "--out", required = true, paramLabel = "EVAL", description = "Output folder (appears complete or not at all).")
    public Path out;

    @Option(names = "--epoch", paramLabel = "E", description = "Checkpoint to evaluate: after this many epochs (from 1, as metrics.csv; default: the newest).")
    public Integer epoch;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (local[2], spark://host:7077); default: spark.master, else local[*].")
    public String master;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "Images per encoder call (default: ${DEFAULT-VALUE}).")
    public int batch = 64;

    @Option(names = "--rows-per-task", paramLabel = "N",
            description = "Particles per Spark task (default: max(64, count/64)); fixed by the data, never by the master, so numbers match everywhere.")
    public Long rowsPerTask;

    @Option(names = "--pcs", paramLabel = "N", defaultValue = "2", description = "Principal components to traverse (default: ${DEFAULT-VALUE}).")
    public int pcs = 2;

    @Option(names = "--traversal-steps", paramLabel = "N", defaultValue = "10",
            description = "Structures per PC traversal, 5th to 95th percentile (default: ${DEFAULT-VALUE}).")
    public int traversalSteps = 10;

    @Option(names = {"-k", "--clusters"}, paramLabel = "K", defaultValue = "10", description = "k-means clusters (default: ${DEFAULT-VALUE}).")
    public int clusters = 10;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of k-means and of --sample (default: ${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--structures", paramLabel = "all|every=N|indices=FILE",
            description = "Write per-particle structures to structures.parquet (mean segmentation unless --sample).")
    public String structures;

    @Option(names = "--pdb", description = "With --structures: also one CA PDB per particle, structures/particle_<index>.pdb.")
    public boolean pdb;

    @Option(names = "--sample", description = "Decode with one segmentation draw per particle (seeded) instead of the mean segmentation.")
    public boolean sample;

    @Option(names = "--distance", paramLabel = "NAME=SEL1,SEL2",
            description = "Centroid distance between two residue selections per particle (repeatable), e.g. lid=A:122-159,A:1-29.")
    public List<String> distances = new ArrayList<>();

    @Option(names = "--truth-maps", paramLabel = "DIR", description = "Folder of ground-truth maps (needs --truth-labels).")
    public Path truthMaps;

    @Option(names = "--truth-labels", paramLabel = "CSV", description = "particle_index,map_file per particle (map files relative to --truth-maps).")
    public Path truthLabels;

    @Option(names = "--no-volumes", negatable = false, description = "Skip the MRC maps of the traversals and cluster centres.")
    public boolean noVolumes;

    @Option(names = "--relion-project", paramLabel = "DIR",
            description = "Write image paths of the subset STAR files relative to this RELION project folder (where "
                    + "RELION runs); default: the paths as the source metadata writes them.")
    public Path relionProject;

    @Option(names = "--absolute-paths", description = "Write absolute image paths in the subset STAR files.")
    public boolean absolutePaths;

    @Option(names = "--overwrite", description = "Replace EVAL if it exists.")
    public boolean overwrite;
}
