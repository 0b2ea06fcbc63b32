package dev.cryosphere.core.format;

import java.nio.file.Path;

/**
 * Every atom of the residues an {@link AtomicModel} keeps, with its element and the index of its residue in that
 * model's order (same residues, waters and ligands dropped the same way): a full-atom structure that per-residue
 * motions ({@link dev.cryosphere.core.geometry.ResidueTransforms}) can move and {@code AtomicDensity} can render.
 *
 * @param xyz       coordinates, Å, flat x0, y0, z0, x1, ...
 * @param elements  element symbol per atom (as the file gives it, e.g. "C", "Se")
 * @param residueOf residue index (AtomicModel order) per atom
 * @param siteAtom  per residue, the index of its site atom (CA or C1') among the atoms
 * @param sites     the residues' sites (CA or C1'), as {@link AtomicModel#read} reads the same file
 */
public record ResidueAtoms(double[] xyz, String[] elements, int[] residueOf, int[] siteAtom, AtomicModel sites) {
    public ResidueAtoms {
        if (xyz.length != 3 * elements.length || residueOf.length != elements.length || siteAtom.length != sites.size())
            throw new IllegalArgumentException("coordinates, elements, residue indices and sites disagree");
    }

    /** The site atoms' coordinates (one per residue, flat x, y, z). */
    public double[] siteCoordinates() {
        double[] out = new double[3 * siteAtom.length];
        for (int r = 0; r < siteAtom.length; r++) System.arraycopy(xyz, 3 * siteAtom[r], out, 3 * r, 3);
        return out;
    }

    public int size() { return elements.length; }

    /** Reads a full-atom PDB or mmCIF file; a coarse-grained file of this project (one site per residue) is refused. */
    public static ResidueAtoms read(Path file) {
        return AtomicModelReader.readResidueAtoms(file);
    }

    /** The same atoms at other coordinates. */
    public ResidueAtoms withCoordinates(double[] newXyz) {
        if (newXyz.length != xyz.length) throw new IllegalArgumentException("expected " + xyz.length + " coordinates, got " + newXyz.length);
        return new ResidueAtoms(newXyz, elements, residueOf, siteAtom, sites);
    }
}
