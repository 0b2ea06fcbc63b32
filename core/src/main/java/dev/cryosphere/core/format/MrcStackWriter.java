package dev.cryosphere.core.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams float32 images into an MRC stack without holding them in memory. Images go to a temporary
 * file beside the target; {@link #close()} writes the final header (nz = images appended, min/max/mean/rms)
 * and renames the temporary file onto the target in one step, so readers never see a half-written stack.
 * If an append fails, or {@link #abort()} is called, close() deletes the temporary file and leaves the
 * target untouched. Use:
 * <pre>{@code
 * try (MrcStackWriter w = MrcStackWriter.open(out, nx, ny, apix)) {
 *     try { for (...) w.append(img); } catch (RuntimeException e) { w.abort(); throw e; }
 * }
 * }</pre>
 */
public final class MrcStackWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final int nx, ny;
    private final double pixelSize;
    private final boolean volume;
    private final float[] origin;
    private final ByteBuffer buf;
    private long count;
    private double sum, sumSq;
    private float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
    private boolean failed, closed;

    private MrcStackWriter(Path target, int nx, int ny, double pixelSize, boolean volume, float[] origin) throws IOException {
        if (nx <= 0 || ny <= 0) throw new IllegalArgumentException("image size must be positive: " + nx + "x" + ny);
        this.target = target;
        this.nx = nx;
        this.ny = ny;
        this.pixelSize = pixelSize;
        this.volume = volume;
        this.origin = origin.clone();
        // same directory so the final rename stays on one file system (atomic)
        this.temp = dev.cryosphere.core.util.AtomicOutput.siblingTempFile(target);
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        this.buf = ByteBuffer.allocate(4 * nx * ny).order(ByteOrder.LITTLE_ENDIAN);
        channel.write(ByteBuffer.allocate(MrcHeader.SIZE), 0);  // placeholder, patched on close
        channel.position(MrcHeader.SIZE);
    }

    /** A stack writer (ispg 0) for images of nx × ny at {@code pixelSize} Å. */
    public static MrcStackWriter open(Path target, int nx, int ny, double pixelSize) {
        try {
            return new MrcStackWriter(target, nx, ny, pixelSize, false, new float[3]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file beside " + target, e);
        }
    }

    /** A volume writer (ispg 1, mz = nz): each appended image is one z section. */
    static MrcStackWriter openVolume(Path target, int nx, int ny, double pixelSize, double[] originAngst) {
        float[] o = {(float) originAngst[0], (float) originAngst[1], (float) originAngst[2]};
        try {
            return new MrcStackWriter(target, nx, ny, pixelSize, true, o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file beside " + target, e);
        }
    }

    /** Append one image, nx·ny floats row-major [y][x]. */
    public void append(float[] image) {
        if (closed) throw new IllegalStateException("writer for " + target + " is closed");
        if (image.length != nx * ny) {
            failed = true;
            throw new IllegalArgumentException("image " + count + " has " + image.length + " values, expected "
                    + nx + "x" + ny + " = " + nx * ny);
        }
        buf.clear();
        for (float v : image) {
            buf.putFloat(v);
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
            sumSq += (double) v * v;
        }
        buf.flip();
        try {
            while (buf.hasRemaining()) channel.write(buf);
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("cannot write image " + count + " to " + temp, e);
        }
        count++;
    }

    /** Images appended so far. */
    public long count() { return count; }

    /** Discard everything: close() will delete the temporary file and not touch the target. */
    public void abort() { failed = true; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (failed || count == 0) {
                channel.close();
                Files.deleteIfExists(temp);
                if (!failed) throw new IllegalStateException("no images appended; " + target + " not written");
                return;
            }
            if (count > Integer.MAX_VALUE) throw new IllegalStateException("MRC nz cannot hold " + count + " images");
            channel.write(ByteBuffer.wrap(header().encode()), 0);
            channel.force(true);
            channel.close();
            moveIntoPlace();
        } catch (IOException | RuntimeException e) {
            try { channel.close(); Files.deleteIfExists(temp); } catch (IOException ignored) { /* reported below */ }
            if (e instanceof RuntimeException r) throw r;
            throw new UncheckedIOException("cannot write " + target, (IOException) e);
        }
    }

    private MrcHeader header() {
        double n = (double) count * nx * ny;
        double mean = sum / n;
        // rms in MRC2014 is the standard deviation about the mean
        double rms = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        int nz = (int) count;
        return MrcHeader.float32(nx, ny, nz, volume ? nz : 1, pixelSize, volume ? 1 : 0, origin,
                min, max, (float) mean, (float) rms);
    }

    private void moveIntoPlace() throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
