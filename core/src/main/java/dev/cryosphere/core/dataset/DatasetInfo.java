package dev.cryosphere.core.dataset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * {@code _dataset.json}: what a dataset holds and how it was made. Keys are snake_case.
 *
 * @param formatVersion  {@link DatasetSchema#VERSION}
 * @param count          rows in the dataset (rejected images excluded)
 * @param box            image side of every row, pixels
 * @param pixelSize      Å per pixel when all optics groups agree, else null (see the groups)
 * @param inverted       whether contrast was inverted at ingest
 * @param opticsGroups   the optics groups present, with their pixel size/box after ingest and before
 * @param normalization  Fourier-space normalisation statistics of the ingested images
 * @param parts          part files in row order
 * @param rejected       images rejected with --skip-bad (listed in {@code _rejected.csv})
 * @param missingPoseColumns pose columns (STAR) or fields (.cs) the source lacked, whose rows were stored with 0 under
 *                       {@code --allow-no-poses}; empty (or absent, in files written before it was recorded) when
 *                       every particle's pose was read from the source
 * @param sources        the inputs and their fingerprints (for --incremental)
 * @param options        the ingest options that shape the output
 * @param commandLine    the command line that made the dataset
 * @param software       "cryosphere-spark VERSION"
 * @param created        ISO-8601 UTC time the dataset was committed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetInfo(int formatVersion, long count, int box, Double pixelSize, boolean inverted,
                          List<Group> opticsGroups, Normalization normalization, List<Part> parts, long rejected,
                          List<String> missingPoseColumns, Sources sources, Options options, String commandLine, String software, String created) {

    /**
     * @param pixelSize       Å per pixel in the dataset
     * @param box             image side in the dataset
     * @param sourcePixelSize Å per pixel in the stacks
     * @param sourceBox       image side in the stacks
     * @param count           rows of this group in the dataset
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Group(int number, String name, double pixelSize, int box, double sourcePixelSize, int sourceBox,
                        double voltage, double cs, double ampContrast, long count) {}

    /**
     * As the reference ({@code ImageDataSet.estimate_normalization}): images are divided by {@code fStd}, with
     * {@code fMu} = 0. {@code fStd} = standard deviation (n−1 denominator) of all complex coefficients of the centred
     * 2D FFTs (unnormalised forward transform) of {@code sampleSize} ingested images, chosen uniformly without
     * replacement from the source rows with {@code seed}; {@code measuredMean} is the mean coefficient magnitude
     * |mean| of that sample, for information.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Normalization(double fMu, double fStd, int sampleSize, long seed, double measuredMean, String method) {}

    /** A part file: its name in the dataset directory, its rows, and the particle indices it spans. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Part(String file, long rows, long firstParticleIndex, long lastParticleIndex, long bytes) {}

    /**
     * A source file's fingerprint. {@code sha256} covers the whole file when {@code hashed} is "full", else
     * (stacks) the first and the last MiB, which with size and modification time detects rewritten stacks cheaply.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SourceFile(String uri, long size, long modified, String sha256, String hashed) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sources(SourceFile metadata, List<SourceFile> stacks) {}

    /** Options that change the output (a rerun with other options is not "unchanged"). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Options(Integer box, Double apix, boolean invert, boolean skipBad, int normSample, long seed,
                          boolean allowNoPoses) {}

    /** Whether every particle's pose came from the source (false: {@code --allow-no-poses} stored missing ones as 0). */
    public boolean hasPoses() { return missingPoseColumns == null || missingPoseColumns.isEmpty(); }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static DatasetInfo read(InputStream in) throws IOException { return MAPPER.readValue(in, DatasetInfo.class); }

    public void write(OutputStream out) throws IOException { MAPPER.writeValue(out, this); }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
