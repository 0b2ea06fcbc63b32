package dev.cryosphere.ingest;

import picocli.CommandLine.Option;

/**
 * The options of the ingest job, declared once for {@code bin/cryosphere ingest} and for {@link IngestMain}
 * (spark-submit). Input and output are Hadoop URIs or plain paths.
 */
public final class IngestOptions {
    @Option(names = "--particles", required = true, paramLabel = "P.star|P.cs",
            description = "Particle metadata: RELION STAR (3.0, 3.1, 5.0) or cryoSPARC .cs.")
    public String particles;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Directory that relative image paths start from (default: the metadata file's directory).")
    public String root;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output dataset directory.")
    public String out;

    @Option(names = "--box", paramLabel = "N",
            description = "Fourier-crop the images to N×N pixels (pixel size scaled by source box / N).")
    public Integer box;

    @Option(names = "--apix", paramLabel = "A",
            description = "Bring every optics group to A Å/px: Fourier crop or pad each group to round(box × pixel "
                    + "size / A) px (the CTF parameters stay physical), then window to --box N px (default: the "
                    + "smallest resampled size). For optics groups of different pixel sizes.")
    public Double apix;

    @Option(names = "--invert", description = "Invert the contrast (multiply the images by −1).")
    public boolean invert;

    @Option(names = "--shard-mb", paramLabel = "MB", defaultValue = "128",
            description = "Target part-file size, MiB of image data (default: ${DEFAULT-VALUE}).")
    public int shardMb = 128;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (local[*], local[2], spark://host:7077); default: spark.master if set "
                    + "(spark-submit), else local[*].")
    public String master;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    public boolean overwrite;

    @Option(names = "--incremental",
            description = "Skip the work when OUT exists and its recorded source fingerprints and options match; "
                    + "otherwise ingest and replace OUT.")
    public boolean incremental;

    @Option(names = "--skip-bad",
            description = "Reject NaN/Inf or constant images into OUT/_rejected.csv and go on (default: stop with an error).")
    public boolean skipBad;

    @Option(names = "--allow-no-poses",
            description = "Accept metadata without pose columns (rlnAngleRot/Tilt/Psi, rlnOriginX/YAngst; .cs "
                    + "alignments3D/pose, shift) and store 0 for them, with a warning. Only for looking at the images: "
                    + "training needs the poses of a consensus refinement (default: such metadata is an error).")
    public boolean allowNoPoses;

    @Option(names = "--norm-sample", paramLabel = "K", defaultValue = "100",
            description = "Images sampled for the Fourier normalisation statistics (default: ${DEFAULT-VALUE}).")
    public int normSample = 100;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the normalisation sample (default: ${DEFAULT-VALUE}).")
    public long seed = 0;

    /** The command line recorded in _dataset.json (set by the caller; not an option). */
    public String commandLine = "";

    public IngestOptions() {}

    /** Options for code and tests: metadata and output, everything else at its default. */
    public static IngestOptions of(String particles, String out) {
        IngestOptions o = new IngestOptions();
        o.particles = particles;
        o.out = out;
        return o;
    }
}
