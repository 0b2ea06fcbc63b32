package dev.cryosphere.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One Spark task: a contiguous range of source rows that becomes one part file.
 *
 * @param part number of the part file (part-NNNNN.parquet)
 * @param rows the rows, in source order
 */
record PartTask(int part, List<Row> rows) implements Serializable {

    /**
     * What an executor needs to read, process and write one particle (no image data).
     *
     * @param fourierBox side after the Fourier crop/pad (the window to the output box follows)
     * @param outPixelSize Å/px stored with the image
     * @param ctf defocusU, defocusV, defocusAngle, voltage, cs, ampContrast, phaseShift, bFactor, scale
     */
    record Row(int row, String imageName, String stack, long imageIndex, int opticsGroup, int sourceBox,
               int fourierBox, double outPixelSize, double pixelSize, double rot, double tilt, double psi, double originX, double originY, double[] ctf,
               boolean sampled) implements Serializable {}

    /** Settings shared by all tasks. */
    record Settings(String tempDir, int box, boolean invert, boolean skipBad, Files2.ConfMap conf, long testDelayMs,
                    boolean forceHadoopIo) implements Serializable {}

    /** A rejected image (with --skip-bad). */
    record Reject(int row, String imageName, String reason) implements Serializable {}

    /**
     * What a task sends back: small, no images. The Fourier sums cover the sampled images of the task.
     */
    record Result(int part, String file, long rows, long firstRow, long lastRow, long bytes, List<Reject> rejects,
                  Map<Integer, Long> groupCounts, int sampled, long coefficients, double sumRe, double sumIm,
                  double sumSq) implements Serializable {}
}
