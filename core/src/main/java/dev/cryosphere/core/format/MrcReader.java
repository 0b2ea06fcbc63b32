package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Random access to the images of an MRC/MRCS file (MRC2014). Every file is seen as a stack of nz images
 * of nx × ny, whether its header says image stack (ispg 0) or volume (ispg 1): a volume's sections are
 * its images. Images are read one at a time at 64-bit offsets, so stacks larger than memory (or 2 GiB)
 * are fine. Reads are positional, so one reader may be shared by threads.
 *
 * <p>Modes 0 (int8), 1 (int16), 2 (float32), 6 (uint16) and 12 (float16) are converted to float.
 * A file shorter than its header says is rejected at {@link #open}, and so is one longer by a whole image or more
 * (a wrong mode or image count would otherwise be read as garbage); less than one image of trailing bytes (padding)
 * is read with a warning.
 *
 * <p>Besides local files ({@link #open(Path)}), any store with positional reads can be read through a
 * {@link Source} ({@link #open(Object, Source)}), e.g. a Hadoop {@code FSDataInputStream} for hdfs:// or s3a://.
 */
public final class MrcReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MrcReader.class);
    /** Many RELION 3 / cryoDRGN stacks lack the MAP id; say so once per process, not once per stack. */
    private static final AtomicBoolean WARNED_NO_MAP_ID = new AtomicBoolean();

    /**
     * Positional reads from a byte store: a local file, a Hadoop stream. Must be safe for concurrent reads
     * if the reader is shared by threads.
     */
    public interface Source extends Closeable {
        /** Total bytes. */
        long size() throws IOException;

        /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns the count, or −1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;
    }

    private record ChannelSource(FileChannel channel) implements Source {
        @Override public long size() throws IOException { return channel.size(); }

        @Override public int read(ByteBuffer dst, long position) throws IOException { return channel.read(dst, position); }

        @Override public void close() throws IOException { channel.close(); }
    }

    private final Path file;
    private final Object name;
    private final Source channel;
    private final MrcHeader header;
    private final MrcMode mode;
    private final long dataStart;
    private final long imageBytes;

    private MrcReader(Path file, Object name, Source channel, MrcHeader header, MrcMode mode) {
        this.file = file;
        this.name = name;
        this.channel = channel;
        this.header = header;
        this.mode = mode;
        this.dataStart = MrcHeader.SIZE + (long) header.nsymbt();
        this.imageBytes = (long) header.nx() * header.ny() * mode.bytesPerVoxel;
    }

    /** Open and check the header against the file size; all problems are {@link InputException}s. */
    public static MrcReader open(Path file) {
        dev.cryosphere.core.util.InputFiles.requireRegularFile(file);   // a named pipe would block the open
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new InputException(file, null, "file not found", e);
        } catch (IOException e) {
            throw new InputException(file, null, "cannot open: " + e, e);
        }
        return open(file, file, new ChannelSource(ch));
    }

    /**
     * Open any positional-read store; {@code name} (a URI, a path) is what error messages name. The reader owns the
     * source: {@link #close()} closes it, and so does a failing open.
     */
    public static MrcReader open(Object name, Source source) {
        return open(null, name, source);
    }

    private static MrcReader open(Path path, Object file, Source ch) {
        try {
            long size = ch.size();
            if (size == 0) throw new InputException(file, null, "empty file (0 bytes), not an MRC file");
            if (size < MrcHeader.SIZE)
                throw new InputException(file, null, "only " + size + " bytes: too short for the 1024-byte MRC header");
            byte[] h = new byte[MrcHeader.SIZE];
            readFully(ch, ByteBuffer.wrap(h), 0);
            MrcHeader header = MrcHeader.parse(h);
            MrcMode mode = check(file, header, size);
            return new MrcReader(path, file, ch, header, mode);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new InputException(file, null, "cannot read: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static MrcMode check(Object file, MrcHeader h, long size) {
        if (h.nx() <= 0 || h.ny() <= 0 || h.nz() <= 0)
            throw new InputException(file, "header", "dimensions must be positive, header says nx=" + h.nx()
                    + " ny=" + h.ny() + " nz=" + h.nz());
        MrcMode mode = h.voxelMode();
        if (mode == null)
            throw new InputException(file, "header", "unsupported MRC mode " + h.mode()
                    + " (supported: 0 int8, 1 int16, 2 float32, 6 uint16, 12 float16)");
        if (h.nsymbt() < 0)
            throw new InputException(file, "header", "negative extended header size nsymbt=" + h.nsymbt());
        if ((long) h.nx() * h.ny() > Integer.MAX_VALUE)
            throw new InputException(file, "header", "image " + h.nx() + "x" + h.ny() + " is too large for one array");
        if (size < MrcHeader.SIZE + (long) h.nsymbt())
            throw new InputException(file, "header", "truncated: the extended header (nsymbt = " + h.nsymbt()
                    + " bytes, word 24) runs past the end of the file, which has only " + (size - MrcHeader.SIZE)
                    + " bytes after the 1024-byte main header");
        long expected = h.expectedFileSize(mode.bytesPerVoxel);
        if (size < expected)
            throw new InputException(file, null, "truncated: header says " + h.nz() + " images of " + h.nx() + "x"
                    + h.ny() + " mode " + h.mode() + " = " + expected + " bytes, file has " + size + " bytes");
        long section = (long) h.nx() * h.ny() * mode.bytesPerVoxel;
        if (size - expected >= section)
            // a whole image or more beyond what the header describes: the mode or the dimensions are wrong, and
            // reading on would give garbage (or silently drop images)
            throw new InputException(file, "header", "the file has " + size + " bytes, " + (size - expected)
                    + " more than the header describes (" + h.nz() + " images of " + h.nx() + "x" + h.ny() + " mode "
                    + h.mode() + " = " + expected + " bytes)" + longFileHint(h, mode, size)
                    + "; fix the header (e.g. relion_image_handler or mrcfile) or re-export the stack");
        if (size > expected)
            LOG.warn("{}: file has {} bytes, {} more than the header describes ({} images of {}x{} mode {}), less than "
                    + "one image; extra bytes at the end ignored", file, size, size - expected, h.nz(), h.nx(), h.ny(), h.mode());
        if (!h.hasMapId()) {
            if (WARNED_NO_MAP_ID.compareAndSet(false, true))
                LOG.warn("{}: no 'MAP ' id in the MRC header (common in RELION 3 / cryoDRGN stacks); reading it anyway"
                        + " (further files without it are logged at debug level)", file);
            else LOG.debug("{}: no 'MAP ' id in the MRC header", file);
        }
        return mode;
    }

    /** What a file longer than its header says would fit instead: another mode, or another image count. */
    private static String longFileHint(MrcHeader h, MrcMode mode, long size) {
        long data = size - MrcHeader.SIZE - h.nsymbt();
        long voxels = (long) h.nx() * h.ny() * h.nz();
        for (MrcMode m : MrcMode.values())
            if (m != mode && voxels * m.bytesPerVoxel == data)
                return ": the data size fits mode " + m.code + " (" + m.name().toLowerCase(java.util.Locale.ROOT)
                        + ", " + m.bytesPerVoxel + " bytes per pixel), not the header's mode " + h.mode();
        long section = (long) h.nx() * h.ny() * mode.bytesPerVoxel;
        if (data % section == 0)
            return ": the data size fits " + data / section + " images, not the header's nz = " + h.nz();
        return "";
    }

    /** The local file, or null for a reader opened on a {@link Source}. */
    public Path file() { return file; }

    /** What error messages call this file: its path, or the name given with the {@link Source}. */
    public Object name() { return name; }

    public MrcHeader header() { return header; }

    public int nx() { return header.nx(); }

    public int ny() { return header.ny(); }

    /** Number of images (= nz, also for a file whose header says "volume"). */
    public long count() { return header.nz(); }

    /** Pixel size from the header (cella/mx), 0 when the header does not say. */
    public double pixelSize() { return header.pixelSize(); }

    /** Image {@code index} (0-based) as nx·ny floats, row-major [y][x] with x fastest. */
    public float[] readImage(long index) {
        checkRange(index, 1);
        float[] out = new float[nx() * ny()];
        ByteBuffer buf = ByteBuffer.allocate((int) imageBytes).order(header.order());
        readInto(index, buf, out);
        return out;
    }

    /** Images start … start+n−1, read one by one (memory: the n images only). */
    public float[][] readImages(long start, int n) {
        if (n < 0) throw new IllegalArgumentException("negative image count " + n);
        checkRange(start, n);
        float[][] out = new float[n][];
        ByteBuffer buf = ByteBuffer.allocate((int) imageBytes).order(header.order());
        for (int i = 0; i < n; i++) {
            out[i] = new float[nx() * ny()];
            readInto(start + i, buf, out[i]);
        }
        return out;
    }

    private void checkRange(long start, int n) {
        if (start < 0 || start + n > count()) {
            String what = n == 1 ? "image index " + start : "images " + start + ".." + (start + n - 1);
            throw new InputException(name, what, "out of range: the file has " + count()
                    + " images (valid indices 0.." + (count() - 1) + ")");
        }
    }

    private void readInto(long index, ByteBuffer buf, float[] out) {
        buf.clear();
        try {
            readFully(channel, buf, dataStart + index * imageBytes);
        } catch (IOException e) {
            throw new InputException(name, "image index " + index, "cannot read: " + e, e);
        }
        buf.flip();
        decode(buf, mode, out);
    }

    static void decode(ByteBuffer b, MrcMode mode, float[] out) {
        switch (mode) {
            case INT8 -> { for (int i = 0; i < out.length; i++) out[i] = b.get(); }
            case INT16 -> { for (int i = 0; i < out.length; i++) out[i] = b.getShort(); }
            case FLOAT32 -> b.asFloatBuffer().get(out);
            case UINT16 -> { for (int i = 0; i < out.length; i++) out[i] = b.getShort() & 0xffff; }
            case FLOAT16 -> { for (int i = 0; i < out.length; i++) out[i] = Half.toFloat(b.getShort()); }
        }
    }

    private static void readFully(Source ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new IOException("unexpected end of file at byte " + pos);
            pos += r;
        }
    }

    private static void closeQuietly(Source ch) {
        try { ch.close(); } catch (IOException ignored) { /* already failing */ }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new InputException(name, null, "cannot close: " + e, e);
        }
    }

    /** Byte order used for decoding (for tests and diagnostics). */
    public ByteOrder byteOrder() { return header.order(); }
}
