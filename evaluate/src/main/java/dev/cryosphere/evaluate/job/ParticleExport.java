package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.format.StarWriter;
import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Particle subsets for refinement: rows of the dataset's source metadata picked by particle index (= source row), so
 * RELION (or cryoSPARC) gets its own image names, poses, CTFs and optics groups back. Always a RELION 3.1 STAR file;
 * also a .cs file (the source's numpy records copied unchanged) when the dataset was ingested from a .cs.
 */
public final class ParticleExport {
    private final Path source;
    private ParticleSet set;

    private ParticleExport(Path source) {
        this.source = source;
    }

    /** The exporter for a dataset, or an error naming the source metadata if it cannot be read locally. */
    public static ParticleExport of(DatasetInfo info) {
        if (info.sources() == null || info.sources().metadata() == null)
            throw new InputException(null, "_dataset.json", "the dataset does not name its source metadata");
        String uri = info.sources().metadata().uri();
        Path p = uri.startsWith("file:") ? Path.of(URI.create(uri.replaceFirst("^file:/+", "file:///"))) : Path.of(uri);
        if (!Files.isRegularFile(p))
            throw new InputException(p, null, "the dataset's source metadata is not readable here; subsets cannot be exported");
        return new ParticleExport(p);
    }

    public boolean sourceIsCs() { return source.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".cs"); }

    /** Writes {@code base}.star (and {@code base}.cs for a .cs source) with the particles in {@code indices}. */
    public void write(Path base, long[] indices) {
        if (set == null) set = ParticleSet.read(source);
        long[] sorted = indices.clone();
        Arrays.sort(sorted);
        List<Particle> picked = new ArrayList<>();
        for (long i : sorted) {
            if (i < 0 || i >= set.size()) throw new InputException(source, "particle " + i, "not a row of the source metadata");
            picked.add(set.particles().get((int) i));
        }
        StarWriter.writeRelion31(base.resolveSibling(base.getFileName() + ".star"), picked, set.opticsGroups());
        if (sourceIsCs()) copyCsRows(source, base.resolveSibling(base.getFileName() + ".cs"), sorted);
    }

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*\\)");

    /** A .npy structured array with only the given rows: same header (shape changed, padding kept), records copied. */
    static void copyCsRows(Path in, Path out, long[] rows) {
        try {
            byte[] all = Files.readAllBytes(in);
            ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            int major = all[6] & 0xff;
            int headerStart = major == 1 ? 10 : 12;
            int headerLen = major == 1 ? bb.getShort(8) & 0xffff : bb.getInt(8);
            String header = new String(all, headerStart, headerLen, StandardCharsets.ISO_8859_1);
            Matcher m = SHAPE.matcher(header);
            if (!m.find()) throw new InputException(in, "header", "not a one-dimensional structured array");
            long n = Long.parseLong(m.group(1));
            int dataStart = headerStart + headerLen;
            int record = (int) ((all.length - dataStart) / Math.max(1, n));
            String shape = "'shape': (" + rows.length + ",)";
            String newHeader = header.substring(0, m.start()) + shape + header.substring(m.end());
            // keep the header length (and so the 64-byte alignment numpy wants): pad with spaces before the newline
            int pad = headerLen - newHeader.length();
            newHeader = newHeader.substring(0, newHeader.length() - 1) + " ".repeat(pad) + "\n";
            byte[] outBytes = new byte[dataStart + rows.length * record];
            System.arraycopy(all, 0, outBytes, 0, headerStart);
            System.arraycopy(newHeader.getBytes(StandardCharsets.ISO_8859_1), 0, outBytes, headerStart, headerLen);
            for (int i = 0; i < rows.length; i++)
                System.arraycopy(all, dataStart + (int) rows[i] * record, outBytes, dataStart + i * record, record);
            Files.write(out, outBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
