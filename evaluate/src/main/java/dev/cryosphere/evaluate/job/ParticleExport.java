package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.format.StarSubset;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Particle subsets for refinement: rows of the dataset's source metadata picked by particle index (= source row), so
 * RELION (or cryoSPARC) gets its own rows back. A STAR source is copied as text ({@link StarSubset}): every column of
 * the chosen rows, the optics table and any other block unchanged. A .cs source gives a .cs file (the source's numpy
 * records copied unchanged) and a RELION 3.1 STAR file made from the parsed particles.
 *
 * <p>Image paths ({@code rlnImageName}): as in the source by default (they resolve from the folder the source's
 * resolve from, {@link #sourceRoot()}); relative to a RELION project folder ({@link #relativeTo}), where RELION runs;
 * or absolute ({@link #absolute}). A source name is matched to the stack the dataset read by its trailing path
 * elements (the dataset records each stack's absolute URI).
 */
public final class ParticleExport {
    private final Path source;
    private final List<Path> stacks;
    private ParticleSet set;
    private Path project;
    private boolean absolute;
    private final Map<String, Path> resolved = new HashMap<>();

    private ParticleExport(Path source, List<Path> stacks) {
        this.source = source;
        this.stacks = stacks;
    }

    /** The exporter for a dataset, or an error naming the source metadata if it cannot be read locally. */
    public static ParticleExport of(DatasetInfo info) {
        if (info.sources() == null || info.sources().metadata() == null)
            throw new InputException(null, "_dataset.json", "the dataset does not name its source metadata");
        Path p = local(info.sources().metadata().uri());
        if (!Files.isRegularFile(p))
            throw new InputException(p, null, "the dataset's source metadata is not readable here; subsets cannot be exported");
        List<Path> stacks = new ArrayList<>();
        if (info.sources().stacks() != null)
            for (DatasetInfo.SourceFile f : info.sources().stacks()) stacks.add(local(f.uri()));
        return new ParticleExport(p, stacks);
    }

    private static Path local(String uri) {
        return (uri.startsWith("file:") ? Path.of(URI.create(uri.replaceFirst("^file:/+", "file:///"))) : Path.of(uri))
                .toAbsolutePath().normalize();
    }

    /** The two path options of select and evaluate exclude each other: one error before anything is read. */
    public static void requireOnePathChoice(Path relionProject, boolean absolute) {
        if (relionProject != null && absolute)
            throw new InputException(null, "--relion-project", "goes with relative paths; --absolute-paths asks for absolute ones: give one");
    }

    /** Image paths relative to this RELION project folder (RELION resolves them from where it runs). */
    public ParticleExport relativeTo(Path relionProject) {
        if (relionProject != null && !Files.isDirectory(relionProject))
            throw new InputException(relionProject, "--relion-project", "not a folder");
        this.project = relionProject == null ? null : relionProject.toAbsolutePath().normalize();
        return this;
    }

    /** Absolute image paths. */
    public ParticleExport absolute(boolean on) {
        this.absolute = on;
        return this;
    }

    public boolean sourceIsCs() { return source.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".cs"); }

    /** Where the written image paths resolve from: the project folder, "/" (absolute) or the source's own root. */
    public String pathNote() {
        if (absolute) return "absolute image paths";
        if (project != null) return "image paths relative to the RELION project " + project;
        Path root;
        try {
            root = sourceRoot();
        } catch (InputException e) {
            root = null;
        }
        return "image paths as in " + source.getFileName() + (root == null ? "" : ", relative to " + root);
    }

    /** The folder the source's relative image names resolve from (null if the first name is absolute or starts with ..). */
    public Path sourceRoot() {
        if (set == null) set = ParticleSet.read(source);
        if (set.particles().isEmpty()) return null;
        String name = stackPart(set.particles().get(0).imageName());
        Path rel = Path.of(name);
        if (rel.isAbsolute()) return null;
        Path abs = stackOf(name);
        if (rel.normalize().startsWith("..")) return null;
        Path root = abs;
        for (int i = 0; i < strip(rel).getNameCount() && root != null; i++) root = root.getParent();
        return root;
    }

    /** Writes {@code base}.star (and {@code base}.cs for a .cs source) with the particles in {@code indices}. */
    public void write(Path base, long[] indices) {
        if (set == null) set = ParticleSet.read(source);
        long[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (long i : sorted)
            if (i < 0 || i >= set.size()) throw new InputException(source, "particle " + i, "not a row of the source metadata");
        Path star = base.resolveSibling(base.getFileName() + ".star");
        if (sourceIsCs()) {
            List<Particle> picked = new ArrayList<>();
            for (long i : sorted) {
                Particle p = set.particles().get((int) i);
                picked.add(new Particle(p.row(), imageName(p.imageName()), p.stack(), p.imageIndex(), p.opticsGroup(),
                        p.rot(), p.tilt(), p.psi(), p.originXAngst(), p.originYAngst(), p.ctf(), p.pixelSize(), p.box()));
            }
            StarWriter.writeRelion31(star, picked, set.opticsGroups());
            copyCsRows(source, base.resolveSibling(base.getFileName() + ".cs"), sorted);
        } else {
            StarSubset.write(source, star, sorted, this::imageName);
        }
    }

    /** An image name ("N@path" or "path") with its path rewritten for the chosen convention. */
    String imageName(String name) {
        if (project == null && !absolute) return name;
        int at = name.indexOf('@');
        String prefix = at >= 0 ? name.substring(0, at + 1) : "";
        Path abs = stackOf(name.substring(at + 1));
        if (absolute || !abs.getRoot().equals(project.getRoot())) return prefix + abs;
        return prefix + project.relativize(abs).toString().replace('\\', '/');
    }

    private static String stackPart(String name) {
        int at = name.indexOf('@');
        return name.substring(at + 1);
    }

    /** The dataset's stack whose path ends with the name's path elements (after any leading . and ..). */
    private Path stackOf(String path) {
        return resolved.computeIfAbsent(path, k -> {
            Path rel = Path.of(k);
            if (rel.isAbsolute()) return rel.normalize();
            Path tail = strip(rel);
            List<Path> hits = new ArrayList<>();
            for (Path s : stacks) if (s.endsWith(tail)) hits.add(s);
            if (hits.size() != 1)
                throw new InputException(source, "rlnImageName " + k, hits.isEmpty()
                        ? "no stack the dataset read ends with " + tail + "; cannot rewrite its path"
                        : "several stacks the dataset read end with " + tail + " " + hits + "; cannot tell which");
            return hits.get(0);
        });
    }

    private static Path strip(Path rel) {
        Path n = rel.normalize();
        int i = 0;
        while (i < n.getNameCount() && (n.getName(i).toString().equals("..") || n.getName(i).toString().equals("."))) i++;
        return n.subpath(i, n.getNameCount());
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
