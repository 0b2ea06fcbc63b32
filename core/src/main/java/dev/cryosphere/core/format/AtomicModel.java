package dev.cryosphere.core.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The coarse-grained atomic model cryoSPHERE works with: one site (one Gaussian) per polymer residue, placed
 * at CA for amino acids and at C1' for nucleotides, with amplitude = the residue's electron count.
 * Waters and ligands are not part of it. Residues are in file order, chain by chain.
 *
 * <p>Immutable: {@link #withCoordinates} returns a copy, so a base structure can be shared by threads.
 */
public final class AtomicModel {
    /** Site atom of an amino-acid residue. */
    public static final String AMINO_ACID_SITE = "CA";
    /** Site atom of a nucleotide residue. */
    public static final String NUCLEOTIDE_SITE = "C1'";

    private final String[] chains;
    private final int[] residueNumbers;
    private final char[] insertionCodes;
    private final String[] residueNames;
    private final String[] siteAtoms;
    private final double[] xyz;
    private final double[] amplitudes;
    private final int skippedResidues;

    AtomicModel(String[] chains, int[] residueNumbers, char[] insertionCodes, String[] residueNames,
                String[] siteAtoms, double[] xyz, double[] amplitudes, int skippedResidues) {
        int n = chains.length;
        if (residueNumbers.length != n || insertionCodes.length != n || residueNames.length != n
                || siteAtoms.length != n || amplitudes.length != n || xyz.length != 3 * n) {
            throw new IllegalArgumentException("inconsistent residue arrays for " + n + " residues");
        }
        this.chains = chains;
        this.residueNumbers = residueNumbers;
        this.insertionCodes = insertionCodes;
        this.residueNames = residueNames;
        this.siteAtoms = siteAtoms;
        this.xyz = xyz;
        this.amplitudes = amplitudes;
        this.skippedResidues = skippedResidues;
    }

    /**
     * Reads a PDB (.pdb, .ent) or mmCIF (.cif, .mmcif) file, optionally gzipped (.gz), without any network
     * access. Only the first model is used.
     *
     * @throws dev.cryosphere.core.util.InputException if the file is missing, unreadable, or has no
     *         protein or nucleic-acid residue
     */
    public static AtomicModel read(Path file) {
        return AtomicModelReader.read(file);
    }

    /** Number of residues (= Gaussians). */
    public int size() { return chains.length; }

    /** Site coordinates in Å, flat: x0, y0, z0, x1, ... (a copy). */
    public double[] coordinates() { return xyz.clone(); }

    /** Electron count per residue (a copy). */
    public double[] amplitudes() { return amplitudes.clone(); }

    /** Author chain id (as written in a PDB file; auth_asym_id in mmCIF). */
    public String chain(int i) { return chains[i]; }

    public int residueNumber(int i) { return residueNumbers[i]; }

    /** PDB insertion code, ' ' when there is none. */
    public char insertionCode(int i) { return insertionCodes[i]; }

    public String residueName(int i) { return residueNames[i]; }

    /** The atom the site sits on: {@value #AMINO_ACID_SITE} or {@value #NUCLEOTIDE_SITE}. */
    public String siteAtom(int i) { return siteAtoms[i]; }

    /** Polymer residues left out of the model because they lack their site atom (CA or C1'). */
    public int skippedResidues() { return skippedResidues; }

    /**
     * Pairs (i, i+1) of sequence neighbours: same chain and residue number one higher, or the same number
     * with another insertion code (antibody-style 82, 82A, 82B, 83 numbering runs without a break).
     * A jump in numbering means missing residues, so no pair is made across it.
     */
    public List<int[]> consecutivePairs() {
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < size(); i++) {
            if (!chains[i].equals(chains[i + 1])) continue;
            int step = residueNumbers[i + 1] - residueNumbers[i];
            boolean insertion = step == 0 && insertionCodes[i + 1] != insertionCodes[i];
            if (step == 1 || insertion) pairs.add(new int[] {i, i + 1});
        }
        return pairs;
    }

    /** Indices of the residues of {@code chain} numbered from {@code from} to {@code to} inclusive (e.g. A:122-159). */
    public int[] residueRange(String chain, int from, int to) {
        int[] picked = new int[size()];
        int count = 0;
        for (int i = 0; i < size(); i++) {
            if (chains[i].equals(chain) && residueNumbers[i] >= from && residueNumbers[i] <= to) picked[count++] = i;
        }
        return Arrays.copyOf(picked, count);
    }

    /** The same residues at new site positions (flat x, y, z in Å, length 3 × size()). */
    public AtomicModel withCoordinates(double[] newXyz) {
        if (newXyz.length != xyz.length) {
            throw new IllegalArgumentException("expected " + xyz.length + " coordinates (3 per residue), got " + newXyz.length);
        }
        return new AtomicModel(chains, residueNumbers, insertionCodes, residueNames, siteAtoms,
                newXyz.clone(), amplitudes, skippedResidues);
    }

    /** Writes one ATOM record per residue (CA or C1'), amplitude in the B-factor column; atomic replace. */
    public void writePdb(Path out) {
        try {
            AtomicModelWriter.writePdb(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    /** Writes the sites as an mmCIF file (via BioJava), amplitude as B-factor; atomic replace. */
    public void writeCif(Path out) {
        try {
            AtomicModelWriter.writeCif(this, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
