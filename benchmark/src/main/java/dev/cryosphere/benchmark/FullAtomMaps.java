package dev.cryosphere.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.core.format.ResidueAtoms;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.geometry.ResidueTransforms;
import dev.cryosphere.core.physics.AtomicDensity;
import dev.cryosphere.core.physics.FourierCrop;
import dev.cryosphere.core.simulate.HingeMotion;
import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Full-atom maps of an external set (benchmarks/external/make_sets.py): the true map of a conformation is the
 * density ({@link AtomicDensity}, the Java counterpart of the gemmi calculation that made the set's images) of the
 * set's own full-atom model in that conformation, and a predicted map is the same calculation on the full-atom model
 * moved by a per-residue motion ({@link ResidueTransforms}: every atom of a residue with its site's map). Truth and
 * prediction share the atoms, the B factor, the occupancy and the grid, so what differs between them is the motion.
 *
 * <p>Conformations are rebuilt as make_sets.py builds them. Hinge sets ({@code hinge}, {@code hinges}):
 * base_atoms.pdb with each hinge of truth.json applied in order (hinge_apply: every atom of the moving residues
 * rotates right-handedly by the bin-centre angle about the axis from the first to the second residue's CA, taken
 * from the coordinates the earlier hinges left); the conformation index is row-major over the hinges' bins. Discrete
 * sets: conformations/atoms_KKK.pdb, the very atoms the set's maps were made from.
 *
 * <p>Grid: rendered at {@value #OVERSAMPLE}× the particle grid and Fourier-cropped to it (make_sets.py renders at
 * {@code --oversample} and crops with RELION): point-sampling B = 50 Å² atoms (σ ≈ 0.8 Å) on a 2–5 Å grid would
 * alias, and the crop keeps the map band-limited like the images.
 */
final class FullAtomMaps {
    /** make_sets.py's {@code --bfactor} default (Å²), for a provenance.json that does not record the value used. */
    static final double DEFAULT_B_FACTOR = 50.0;
    /** make_sets.py sets every atom's occupancy to 1. */
    static final double OCCUPANCY = 1.0;
    /** Fine-grid factor before the Fourier crop (make_sets.py uses 4; 2 keeps a map per particle affordable). */
    static final int OVERSAMPLE = 2;

    private final Path set;
    private final Path baseFile;
    private final IntFunction<Path> atomsFile;   // discrete: the full-atom file of conformation k
    final ResidueAtoms base;
    final double bFactor;
    private final int box;
    private final double apix;
    private final AtomicDensity.Prepared prepared;
    private final List<Hinge> hinges;     // hinge sets; empty for discrete sets
    private final boolean discrete;

    /** One hinge of truth.json: its moving residues, axis residues and bin centres (degrees). */
    record Hinge(String moving, String axis, double[] range, double[] centres) {}

    private FullAtomMaps(Path set, Path baseFile, IntFunction<Path> atomsFile, ResidueAtoms base, double bFactor, int box,
                         double apix, List<Hinge> hinges, boolean discrete) {
        this.set = set;
        this.baseFile = baseFile;
        this.atomsFile = atomsFile;
        this.base = base;
        this.bFactor = bFactor;
        this.box = box;
        this.apix = apix;
        this.hinges = hinges;
        this.discrete = discrete;
        try {
            this.prepared = AtomicDensity.prepare(base.elements(), bFactor, OCCUPANCY);
        } catch (IllegalArgumentException e) {
            throw new InputException(baseFile, "element", e.getMessage());
        }
    }

    /** Reads the set's base_atoms.pdb, truth.json (the motion) and provenance.json (the B factor). */
    static FullAtomMaps read(Path set, int box, double apix) throws IOException {
        Path truthFile = set.resolve("truth.json");
        JsonNode truth = new ObjectMapper().readTree(truthFile.toFile());
        Path atomsFile = set.resolve("base_atoms.pdb");
        if (!Files.isRegularFile(atomsFile))
            throw new InputException(atomsFile, null, "missing: the set's full-atom model (made by make_sets.py)");
        ResidueAtoms base = ResidueAtoms.read(atomsFile);
        double b = DEFAULT_B_FACTOR;
        Path prov = set.resolve("provenance.json");
        if (Files.isRegularFile(prov)) {
            JsonNode v = new ObjectMapper().readTree(prov.toFile()).path("parameters").path("bfactor");
            if (!v.isMissingNode() && !v.isNull()) {
                if (!v.isNumber() || !(v.asDouble() >= 0)) throw new InputException(prov, "parameters.bfactor", "must be a number >= 0, got " + v);
                b = v.asDouble();
            }
        }
        boolean discrete = truth.path("kind").asText().equals("discrete");
        List<Hinge> hinges = new ArrayList<>();
        if (!discrete) {
            JsonNode hs = truth.path("hinges");
            if (!hs.isArray() || hs.isEmpty()) throw new InputException(truthFile, "hinges", "missing or empty");
            for (int j = 0; j < hs.size(); j++) {
                JsonNode h = hs.get(j);
                String field = "hinges[" + j + "]";
                JsonNode c = h.path("bin_centres");
                if (!c.isArray() || c.isEmpty()) throw new InputException(truthFile, field + ".bin_centres", "missing or empty");
                double[] centres = new double[c.size()];
                for (int k = 0; k < centres.length; k++) centres[k] = c.get(k).asDouble();
                if (!h.path("moving").isTextual() || !h.path("axis").isTextual())
                    throw new InputException(truthFile, field, "needs 'moving' and 'axis' residue selections");
                double[] range = {h.path("angles").path(0).asDouble(Double.NaN), h.path("angles").path(1).asDouble(Double.NaN)};
                if (!Double.isFinite(range[0]) || !Double.isFinite(range[1]))
                    throw new InputException(truthFile, field + ".angles", "expected [min, max] degrees");
                hinges.add(new Hinge(h.get("moving").asText(), h.get("axis").asText(), range, centres));
            }
        }
        return new FullAtomMaps(set, atomsFile, k -> set.resolve(String.format(Locale.ROOT, "conformations/atoms_%03d.pdb", k)),
                base, b, box, apix, hinges, discrete);
    }

    /**
     * Full-atom maps of a dataset entry (BenchmarkSpec: {@code particles:}), or null where its maps are Gaussian: when
     * its base structure is full-atom (more atoms than residues) and either its true maps are given as MRC files (then
     * only the predicted maps are made here) or the true structures are full-atom too (the first one decides; each
     * must have the base's atoms in the same order, as a discrete set's atoms_KKK.pdb, or is refused naming it). B factor {@value #DEFAULT_B_FACTOR} Å², occupancy 1, as make_sets.py.
     */
    static FullAtomMaps forDataset(Path baseFile, Map<Integer, Path> structures, boolean mapsGiven, int box, double apix) {
        ResidueAtoms base = fullAtom(baseFile);
        if (base == null) return null;
        // the first true structure decides; binAtoms refuses any other without the base's atoms, naming it
        if (!mapsGiven && (structures == null || fullAtom(structures.values().iterator().next()) == null)) return null;
        IntFunction<Path> atoms = k -> {
            Path f = structures == null ? null : structures.get(k);
            if (f == null) throw new IllegalStateException("no true structure of label " + k);
            return f;
        };
        return new FullAtomMaps(baseFile.getParent(), baseFile, atoms, base, DEFAULT_B_FACTOR, box, apix, List.of(), true);
    }

    /** The file's atoms when it is a full-atom structure (more atoms than residues), else null. */
    static ResidueAtoms fullAtom(Path file) {
        try {
            ResidueAtoms a = ResidueAtoms.read(file);
            return a.size() > a.sites().size() ? a : null;
        } catch (InputException coarseGrained) {
            return null;    // AtomicModel.read has accepted the file when the spec was read: one site per residue
        }
    }

    /** Number of conformations the motion defines (hinges: the product of the bins). */
    int conformations() {
        if (discrete) return -1;
        int k = 1;
        for (Hinge h : hinges) k *= h.centres().length;
        return k;
    }

    /** The hinge angles of conformation {@code bin} (row-major over the hinges' bins, as make_sets.py numbers them). */
    double[] angles(int bin) {
        if (bin < 0 || bin >= conformations())
            throw new InputException(set.resolve("truth.json"), "hinges", "conformation " + bin + " is outside the "
                    + conformations() + " the hinges' bins define");
        double[] a = new double[hinges.size()];
        int rest = bin;
        for (int j = hinges.size() - 1; j >= 0; j--) {
            int bins = hinges.get(j).centres().length;
            a[j] = hinges.get(j).centres()[rest % bins];
            rest /= bins;
        }
        return a;
    }

    /**
     * The per-residue maps that take the base structure to hinge conformation {@code bin}: make_sets.py's hinges in
     * order, each axis through the CAs as the earlier hinges left them.
     */
    ResidueTransforms binTransforms(int bin) {
        double[] angles = angles(bin);
        double[] sites = base.sites().coordinates();
        ResidueTransforms total = ResidueTransforms.identity(base.sites().size());
        for (int j = 0; j < hinges.size(); j++) {
            Hinge h = hinges.get(j);
            HingeMotion m;
            try {
                m = HingeMotion.of(base.sites().withCoordinates(sites), h.moving(), h.axis(),
                        h.range()[0] + ":" + h.range()[1]);
            } catch (InputException e) {
                throw new InputException(set.resolve("truth.json"), "hinges[" + j + "]", e.getMessage());
            }
            ResidueTransforms t = m.transformsAt(angles[j]);
            total = total.then(t);
            sites = t.applyToSites(sites);
        }
        return total;
    }

    /** All atoms of conformation {@code bin}, flat x, y, z in base_atoms.pdb's order. */
    double[] binAtoms(int bin) {
        if (!discrete) return binTransforms(bin).applyToAtoms(base.xyz(), base.residueOf());
        Path f = atomsFile.apply(bin);
        ResidueAtoms a = ResidueAtoms.read(f);
        if (!Arrays.equals(a.elements(), base.elements()) || !Arrays.equals(a.residueOf(), base.residueOf()))
            throw new InputException(f, null, "does not have the atoms of " + baseFile.getFileName() + " (same residues, same order)");
        return a.xyz();
    }

    /** The true map of conformation {@code bin}. */
    Volume binMap(int bin) {
        return map(binAtoms(bin));
    }

    /** The map of the base structure's atoms moved by one map per residue (a predicted structure). */
    Volume predicted(ResidueTransforms t) {
        return map(t.applyToAtoms(base.xyz(), base.residueOf()));
    }

    /** The map of base_atoms.pdb's atoms at {@code xyz}: rendered at {@link #OVERSAMPLE}× and Fourier-cropped. */
    Volume map(double[] xyz) {
        int fine = box * OVERSAMPLE;
        Volume v = prepared.render(xyz, fine, apix / OVERSAMPLE);
        return Volume.centred(OVERSAMPLE == 1 ? v.data() : FourierCrop.cropVolume(v.data(), fine, box), box, apix);
    }
}
