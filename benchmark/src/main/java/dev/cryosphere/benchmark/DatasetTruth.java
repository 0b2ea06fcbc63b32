package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.format.ResidueAtoms;
import dev.cryosphere.core.util.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-particle truth of a dataset entry (BenchmarkSpec: {@code particles:}), in the representation the other
 * entries' truth has: per particle a label (the conformation: which true structure and true map) and/or a continuous
 * coordinate, and per label a true structure and/or a true map. Everything is checked when the spec is read, so a bad
 * truth file stops the benchmark before any stage runs, with one line naming the file and the row, column or key.
 */
final class DatasetTruth {
    /** Default column names, used when the spec does not name the columns and the file has them. */
    static final String LABEL = "label", COORDINATE = "coordinate";
    /** Columns that say which particle a row is: the particle's row in the particle file, or its image reference. */
    static final String PARTICLE_INDEX = "particle_index", IMAGE_NAME = "image_name";

    /**
     * The spec's keys, paths resolved: {@code structures}/{@code maps} are paths with one integer conversion (%03d).
     * As read from the spec the columns are the named ones (null: the default if present) and {@code checked} is null;
     * once checked ({@link #resolved}) they are the columns used (null: none), and {@code checked} is the truth read
     * then, which the stages use (the files are read once per benchmark run; the fingerprint holds their hashes).
     */
    record Spec(Path particles, Path structure, Path truth, String labelColumn, String coordinateColumn,
                String structures, String maps, DatasetTruth checked) {
        int labelCount() { return checked == null ? 0 : checked.labelCount(); }
    }

    /** The spec with the columns this truth uses, and this truth. */
    Spec resolved(Spec d) {
        return new Spec(d.particles(), d.structure(), d.truth(), labelColumn, coordinateColumn, d.structures(), d.maps(), this);
    }

    final int count, box;
    final double apix;
    final String labelColumn, coordinateColumn;   // the columns used; null: none
    final List<Path> stacks;        // the particles' image stacks, for the fingerprint
    final int[] labels;             // per particle (row of the particle file); null without a label column
    final double[] coordinate;      // per particle; null without a coordinate column
    final Map<Integer, Path> structureFiles;   // per label that occurs; null when truth_structures is not given
    final Map<Integer, Path> mapFiles;         // per label that occurs; null when truth_maps is not given

    private DatasetTruth(List<Path> stacks, int count, int box, double apix, String labelColumn, String coordinateColumn, int[] labels,
                         double[] coordinate, Map<Integer, Path> structureFiles, Map<Integer, Path> mapFiles) {
        this.stacks = stacks;
        this.labelColumn = labelColumn;
        this.coordinateColumn = coordinateColumn;
        this.count = count;
        this.box = box;
        this.apix = apix;
        this.labels = labels;
        this.coordinate = coordinate;
        this.structureFiles = structureFiles;
        this.mapFiles = mapFiles;
    }

    /** Number of labels (the largest label + 1); 0 without labels. */
    int labelCount() {
        return labels == null ? 0 : Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** True maps exist (given, or made from the true structures): the compared particles can be scored by FSC. */
    boolean hasTruthMaps() {
        return mapFiles != null || structureFiles != null;
    }

    /**
     * Reads and checks the particle file, the truth table and every true structure and map. {@code spec}/{@code at}
     * name the spec file and entry in errors about the keys.
     */
    static DatasetTruth read(Spec d, Path spec, String at) {
        ParticleSet particles = ParticleSet.read(d.particles()).requireImages();
        int n = particles.size();
        if (n == 0) throw new InputException(d.particles(), null, "no particles");
        Particle first = particles.particles().get(0);
        int box = first.box();
        if (box <= 0) try (MrcReader r = MrcReader.open(first.stack())) {
            box = r.nx();    // metadata without the image size: the stack's
        }
        double apix = first.pixelSize();

        CsvTable t = CsvTable.read(d.truth());
        if (t.size() != n)
            throw new InputException(d.truth(), null, "has " + t.size() + " rows, " + d.particles().getFileName() + " has "
                    + n + " particles: one row per particle");
        int[] particleOf = particleOfRow(t, particles);
        String labelColumn = column(t, d.labelColumn(), LABEL, "truth_label");
        String coordColumn = column(t, d.coordinateColumn(), COORDINATE, "truth_coordinate");
        if (labelColumn == null && coordColumn == null)
            throw new InputException(d.truth(), "header", "no column " + LABEL + " or " + COORDINATE + ": give a label column "
                    + "(key truth_label) and/or a continuous coordinate column (key truth_coordinate)");
        int[] labels = labelColumn == null ? null : new int[n];
        double[] coordinate = coordColumn == null ? null : new double[n];
        Map<Integer, Long> firstLine = new TreeMap<>();     // each label's first row, for errors about its files
        for (int r = 0; r < n; r++) {
            int p = particleOf[r];
            if (labels != null) {
                long v = t.integer(r, labelColumn);
                if (v < 0 || v > 100_000)
                    throw new InputException(d.truth(), "line " + t.line(r) + ", column " + labelColumn,
                            "label " + v + ": labels are whole numbers 0, 1, 2, ... (at most 100000)");
                labels[p] = (int) v;
                firstLine.putIfAbsent((int) v, t.line(r));
            }
            if (coordinate != null) {
                coordinate[p] = t.number(r, coordColumn);
                if (!Double.isFinite(coordinate[p]))
                    throw new InputException(d.truth(), "line " + t.line(r) + ", column " + coordColumn, "missing or not finite");
            }
        }
        if (labels == null && (d.structures() != null || d.maps() != null))
            throw new InputException(spec, at + ", key '" + (d.structures() != null ? "truth_structures" : "truth_maps") + "'",
                    "one file per label: needs a label column in " + d.truth().getFileName() + " (key truth_label, default '" + LABEL + "')");
        Map<Integer, Path> structures = files(d, spec, at, "truth_structures", d.structures(), firstLine);
        Map<Integer, Path> maps = files(d, spec, at, "truth_maps", d.maps(), firstLine);
        if (structures != null) {
            int residues = AtomicModel.read(d.structure()).size();
            // full-atom maps (FullAtomMaps.forDataset: a full-atom base and first true structure) move the base's
            // atoms: every true structure must have them, checked now rather than when its map is first made
            ResidueAtoms baseAtoms = FullAtomMaps.fullAtom(d.structure());
            boolean fullAtom = baseAtoms != null && FullAtomMaps.fullAtom(structures.values().iterator().next()) != null;
            for (Path f : structures.values()) {
                int size;
                if (fullAtom) {
                    ResidueAtoms a = ResidueAtoms.read(f);
                    if (!Arrays.equals(a.elements(), baseAtoms.elements()) || !Arrays.equals(a.residueOf(), baseAtoms.residueOf()))
                        throw new InputException(f, null, "does not have the atoms of " + d.structure().getFileName() + " (same "
                                + "residues, same atoms in the same order), as full-atom true maps need");
                    size = a.sites().size();
                } else {
                    size = AtomicModel.read(f).size();
                }
                if (size != residues)
                    throw new InputException(f, null, "has " + size + " residues, the base structure " + d.structure().getFileName()
                            + " has " + residues + " (true structures are compared residue by residue)");
            }
        }
        if (maps != null)
            for (Path f : maps.values()) checkMap(f, box, apix, d.particles());
        List<Path> stacks = particles.particles().stream().map(Particle::stack).distinct().sorted().toList();
        return new DatasetTruth(stacks, n, box, apix, labelColumn, coordColumn, labels, coordinate, structures, maps);
    }

    /** Row of the truth table → particle index: by particle_index, else by image_name, else the row itself. */
    private static int[] particleOfRow(CsvTable t, ParticleSet particles) {
        int n = particles.size();
        int[] particleOf = new int[n];
        boolean[] seen = new boolean[n];
        Map<String, Integer> byImage = null;
        if (!t.has(PARTICLE_INDEX) && t.has(IMAGE_NAME)) {
            byImage = new HashMap<>();
            for (Particle p : particles.particles()) byImage.put(p.imageName(), p.row());
        }
        for (int r = 0; r < n; r++) {
            int p;
            if (t.has(PARTICLE_INDEX)) {
                long v = t.integer(r, PARTICLE_INDEX);
                if (v < 0 || v >= n)
                    throw new InputException(t.file(), "line " + t.line(r) + ", column " + PARTICLE_INDEX,
                            v + " is not a particle (0 to " + (n - 1) + ": the row of the particle file)");
                p = (int) v;
            } else if (byImage != null) {
                Integer v = byImage.get(t.text(r, IMAGE_NAME));
                if (v == null)
                    throw new InputException(t.file(), "line " + t.line(r) + ", column " + IMAGE_NAME,
                            "no particle has the image '" + t.text(r, IMAGE_NAME) + "'");
                p = v;
            } else {
                p = r;
            }
            if (seen[p])
                throw new InputException(t.file(), "line " + t.line(r), "particle " + p + " has a row already (one row per particle)");
            seen[p] = true;
            particleOf[r] = p;
        }
        return particleOf;
    }

    /** The column to read: the named one (an error when missing), else the default when the table has it, else null. */
    private static String column(CsvTable t, String named, String dflt, String key) {
        if (named == null) return t.has(dflt) ? dflt : null;
        if (!t.has(named)) throw new InputException(t.file(), "header", "no column " + named + " (key " + key + ")");
        return named;
    }

    /** Each label's file of a pattern; every label that occurs needs its file. */
    private static Map<Integer, Path> files(Spec d, Path spec, String at, String key, String pattern,
                                            Map<Integer, Long> firstLine) {
        if (pattern == null) return null;
        Map<Integer, Path> out = new TreeMap<>();
        for (Map.Entry<Integer, Long> l : firstLine.entrySet()) {
            Path f = Path.of(label(pattern, l.getKey(), spec, at, key));
            if (!Files.isRegularFile(f))
                throw new InputException(spec, at + ", key '" + key + "'", "no file for label " + l.getKey() + " (first at line "
                        + l.getValue() + " of " + d.truth().getFileName() + "): " + f + " not found");
            out.put(l.getKey(), f);
        }
        return out;
    }

    /** The file name of a label: the pattern's one integer conversion (e.g. %03d) with the label. */
    static String label(String pattern, int label, Path spec, String at, String key) {
        String a, b;
        try {
            a = String.format(Locale.ROOT, pattern, label);
            b = String.format(Locale.ROOT, pattern, label + 1);
        } catch (IllegalFormatException e) {
            a = b = null;
        }
        if (a == null || a.equals(b))    // not a format, or one without the label in it
            throw new InputException(spec, at + ", key '" + key + "'", "'" + pattern + "': expected a path with one integer "
                    + "conversion for the label, e.g. states/state_%03d.pdb");
        return a;
    }

    /** A true map must be on the particles' grid: a cube of the particles' box at their pixel size. */
    private static void checkMap(Path f, int box, double apix, Path particles) {
        try (MrcReader r = MrcReader.open(f)) {
            int nx = r.header().nx(), ny = r.header().ny(), nz = r.header().nz();
            double a = r.pixelSize();
            if (nx != box || ny != box || nz != box || Math.abs(a - apix) > 1e-3 * apix)
                throw new InputException(f, "header", String.format(Locale.ROOT, "%d×%d×%d voxels at %s Å, the particles of "
                        + "%s are %d px at %s Å/px: a true map must be on the particles' grid", nx, ny, nz, (float) a,
                        particles.getFileName(), box, (float) apix));
        }
    }
}
