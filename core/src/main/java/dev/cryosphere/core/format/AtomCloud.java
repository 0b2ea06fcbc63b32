package dev.cryosphere.core.format;

import java.nio.file.Path;

/**
 * Every atom of the residues an {@link AtomicModel} keeps (same polymer residues, waters and ligands dropped the same
 * way), each with its electron count (atomic number; hydrogens only when the file has them). For rendering a
 * full-atom reference with the same projector, e.g. to check the image conventions independently of the
 * one-Gaussian-per-residue coarse-graining. Files written by this project hold one site per residue and give those
 * sites, with the residue electron counts.
 *
 * @param xyz       coordinates, Å, flat x0, y0, z0, x1, ...
 * @param electrons electrons per atom
 */
public record AtomCloud(double[] xyz, double[] electrons) {
    public AtomCloud {
        if (xyz.length != 3 * electrons.length) throw new IllegalArgumentException("coordinates and electrons disagree");
    }

    public int size() { return electrons.length; }

    /** Reads a PDB or mmCIF file as {@link AtomicModel#read} does, keeping every atom. */
    public static AtomCloud read(Path file) {
        return AtomicModelReader.readAtoms(file);
    }
}
