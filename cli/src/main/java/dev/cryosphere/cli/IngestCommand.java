package dev.cryosphere.cli;

import dev.cryosphere.ingest.IngestJob;
import dev.cryosphere.ingest.IngestOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Particle stacks + STAR/.cs metadata → sharded, validated Parquet dataset (Spark).",
        description = {
                "Validates the metadata and every stack header first, then the Spark executors read the stacks and write "
                        + "OUT/part-NNNNN.parquet (ZSTD, rows in source order; schema in docs/formats.md), OUT/_dataset.json "
                        + "(count, box, pixel size, optics groups, Fourier normalisation, source fingerprints) and, with "
                        + "--skip-bad, OUT/_rejected.csv. OUT appears complete or not at all.",
                "Same job under spark-submit: --class dev.cryosphere.ingest.IngestMain with the same options.",
                "", "Example: cryosphere ingest --particles run_data.star --out /data/ds --box 128 --master local[4]"})
public final class IngestCommand implements Callable<Integer> {
    @Mixin
    IngestOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        options.commandLine = "cryosphere " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        IngestJob.run(options);
        return 0;
    }
}
