package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.biojava.nbio.structure.Atom;
import org.biojava.nbio.structure.Chain;
import org.biojava.nbio.structure.Group;
import org.biojava.nbio.structure.GroupType;
import org.biojava.nbio.structure.Structure;
import org.biojava.nbio.structure.chem.ChemCompGroupFactory;
import org.biojava.nbio.structure.chem.ReducedChemCompProvider;
import org.biojava.nbio.structure.io.FileParsingParameters;
import org.biojava.nbio.structure.io.PDBFileParser;
import org.biojava.nbio.structure.io.cif.CifStructureConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Reads PDB/mmCIF with BioJava and reduces it to one site per polymer residue (see {@link AtomicModel}). */
final class AtomicModelReader {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicModelReader.class);

    private AtomicModelReader() {}

    private enum Format { PDB, MMCIF }

    static AtomicModel read(Path file) {
        Format format = checkedFormat(file);
        boolean coarseGrained = format == Format.PDB ? scanPdb(file) : scanCif(file);
        return coarseGrain(file, format, parseNonEmpty(file, format), coarseGrained);
    }

    /** Every atom of the residues {@link #read} keeps (the one-site files this project writes: those sites). */
    static AtomCloud readAtoms(Path file) {
        Format format = checkedFormat(file);
        boolean coarseGrained = format == Format.PDB ? scanPdb(file) : scanCif(file);
        Structure structure = parseNonEmpty(file, format);
        AtomicModel model = coarseGrain(file, format, structure, coarseGrained);   // the same residues and errors as read()
        if (coarseGrained) return new AtomCloud(model.coordinates(), model.amplitudes());
        List<Double> xyz = new ArrayList<>(), electrons = new ArrayList<>();
        for (Chain chain : structure.getPolyChains(0)) {
            for (Group group : chain.getAtomGroups()) {
                String site = group.isWater() ? null : siteAtomName(group);
                if (site == null || group.getAtom(site) == null) continue;   // dropped by read() too
                for (Atom atom : group.getAtoms()) {
                    xyz.add(atom.getX());
                    xyz.add(atom.getY());
                    xyz.add(atom.getZ());
                    electrons.add((double) atom.getElement().getAtomicNumber());
                }
            }
        }
        return new AtomCloud(xyz.stream().mapToDouble(Double::doubleValue).toArray(),
                electrons.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Every atom of the residues {@link #read} keeps, with elements and residue indices; full-atom files only. */
    static ResidueAtoms readResidueAtoms(Path file) {
        Format format = checkedFormat(file);
        boolean coarseGrained = format == Format.PDB ? scanPdb(file) : scanCif(file);
        if (coarseGrained) throw new InputException(file, null, "one site per residue (this project's coarse-grained "
                + "format): a full-atom structure is needed");
        Structure structure = parseNonEmpty(file, format);
        AtomicModel model = coarseGrain(file, format, structure, false);   // the same residues and errors as read()
        List<Double> xyz = new ArrayList<>();
        List<String> elements = new ArrayList<>();
        List<Integer> residueOf = new ArrayList<>(), siteAtom = new ArrayList<>();
        int residue = 0;
        for (Chain chain : structure.getPolyChains(0)) {
            for (Group group : chain.getAtomGroups()) {
                String site = group.isWater() ? null : siteAtomName(group);
                if (site == null || group.getAtom(site) == null) continue;   // dropped by read() too
                Atom siteAtomOfGroup = group.getAtom(site);
                int k = 0;
                while (group.getAtoms().get(k) != siteAtomOfGroup) k++;
                siteAtom.add(elements.size() + k);
                for (Atom atom : group.getAtoms()) {
                    xyz.add(atom.getX());
                    xyz.add(atom.getY());
                    xyz.add(atom.getZ());
                    elements.add(atom.getElement().toString());
                    residueOf.add(residue);
                }
                residue++;
            }
        }
        if (residue != model.size())
            throw new IllegalStateException(file + ": " + residue + " residues with atoms, " + model.size() + " sites");
        return new ResidueAtoms(xyz.stream().mapToDouble(Double::doubleValue).toArray(), elements.toArray(String[]::new),
                residueOf.stream().mapToInt(Integer::intValue).toArray(),
                siteAtom.stream().mapToInt(Integer::intValue).toArray(), model);
    }

    private static Format checkedFormat(Path file) {
        dev.cryosphere.core.util.InputFiles.requireRegularFile(file);
        if (!Files.isReadable(file)) throw new InputException(file, null, "not readable (permission denied)");
        return formatOf(file);
    }

    private static Structure parseNonEmpty(Path file, Format format) {
        Structure structure = parse(file, format);
        if (structure.nrModels() == 0 || structure.getChains(0).stream().allMatch(c -> c.getAtomGroups().isEmpty())) {
            throw new InputException(file, null, "no atom records (empty file, or not a PDB/mmCIF file)");
        }
        return structure;
    }

    private static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) name = name.substring(0, name.length() - 3);
        if (name.endsWith(".pdb") || name.endsWith(".ent")) return Format.PDB;
        if (name.endsWith(".cif") || name.endsWith(".mmcif")) return Format.MMCIF;
        throw new InputException(file, null, "unknown structure file extension; expected .pdb, .ent, .cif or .mmcif (optionally .gz)");
    }

    /**
     * Amplitudes are electron counts, so every atom's element must be known. Without the element column
     * (columns 77-78, e.g. CHARMM/NAMD output) BioJava guesses from atom names and gets left-justified names
     * like "CA  " or "HG1" wrong (calcium, mercury), which would silently corrupt the amplitudes.
     */
    private static boolean scanPdb(Path file) {
        boolean coarseGrained = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.ISO_8859_1))) {
            int row = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                row++;
                if (line.startsWith(AtomicModelWriter.AMPLITUDE_REMARK)) coarseGrained = true;
                if (line.startsWith("ENDMDL")) return coarseGrained;
                if ((line.startsWith("ATOM  ") || line.startsWith("HETATM"))
                        && (line.length() < 78 || line.substring(76, 78).isBlank())) {
                    throw new InputException(file, "line " + row, "atom record without element symbol (columns 77-78); "
                            + "residue electron counts need it: write the file with elements (e.g. from the original PDB/mmCIF)");
                }
                if (line.startsWith("ATOM  ") || line.startsWith("HETATM")) requireNumbers(file, row, line);
            }
        } catch (IOException e) {
            throw new InputException(file, null, "cannot be read: " + e.getMessage(), e);
        }
        return coarseGrained;
    }

    /** Fixed-column fields of an ATOM/HETATM record that must be numbers: name, first and last column (1-based). */
    private static final Object[][] NUMBER_FIELDS = {{"x coordinate", 31, 38}, {"y coordinate", 39, 46},
            {"z coordinate", 47, 54}, {"occupancy", 55, 60}, {"B-factor", 61, 66}};

    /**
     * The coordinates (and occupancy and B-factor where given) of an atom record are numbers: checked here so that a
     * damaged line is named by its number and column instead of by a parser's exception.
     */
    private static void requireNumbers(Path file, int row, String line) {
        for (Object[] f : NUMBER_FIELDS) {
            int from = (int) f[1] - 1, to = Math.min((int) f[2], line.length());
            String v = from < to ? line.substring(from, to).trim() : "";
            boolean optional = (int) f[1] > 54;     // occupancy and B-factor may be left blank
            if (v.isEmpty() && optional) continue;
            try {
                double d = Double.parseDouble(v);
                if (Double.isFinite(d)) continue;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InputException(file, "line " + row, f[0] + " (columns " + f[1] + "-" + f[2] + ") is not a number: '"
                    + v + "'");
        }
    }

    /**
     * The mmCIF twin of {@link #scanPdb}: the atom rows are checked by line ({@link CifAtomSite}) before the parser
     * sees them; true for a file written by {@link AtomicModelWriter} (amplitudes in the B-factor column).
     */
    private static boolean scanCif(Path file) {
        try {
            CifAtomSite.read(file).requireWellFormed(file);
        } catch (IOException e) {
            throw new InputException(file, null, "cannot be read: " + e.getMessage(), e);
        }
        return isOurCif(file);
    }

    /** mmCIF files written by {@link AtomicModelWriter} carry amplitudes in the B-factor column. */
    private static boolean isOurCif(Path file) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.ISO_8859_1))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("data_")) return line.trim().equals(AtomicModelWriter.CIF_BLOCK);
            }
            return false;
        } catch (IOException e) {
            throw new InputException(file, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static Structure parse(Path file, Format format) {
        useOfflineChemComps();
        FileParsingParameters params = offlineParameters();
        try (InputStream in = open(file)) {
            if (format == Format.MMCIF) return CifStructureConverter.fromInputStream(in, params);
            PDBFileParser parser = new PDBFileParser();
            parser.setFileParsingParameters(params);
            return parser.parsePDBFile(in);
        } catch (IOException | RuntimeException e) {
            // BioJava and ciftools signal malformed input with assorted runtime exceptions; all mean "bad file".
            // (the parser's message, not its Java class name; --debug shows the trace)
            throw new InputException(file, null, "cannot be parsed as " + (format == Format.PDB ? "PDB" : "mmCIF")
                    + ": " + (e.getMessage() == null || e.getMessage().isBlank() ? "malformed content (the parser gave no reason)"
                    : e.getMessage().replace('\n', ' ')), e);
        }
    }

    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz"))
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        return skipByteOrderMark(in);
    }

    /**
     * Drops a UTF-8 byte-order mark (EF BB BF, written by some Windows editors) at the start: it is no part of the
     * text, and left in, it would hide the first record (a first ATOM line would be silently lost).
     */
    static InputStream skipByteOrderMark(InputStream in) throws IOException {
        in.mark(3);
        byte[] b = in.readNBytes(3);
        if (!(b.length == 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF)) in.reset();
        return in;
    }

    /**
     * BioJava's default chem-comp provider downloads residue definitions from the RCSB on demand; cluster
     * nodes are often offline, so use the dictionary of standard residues bundled in the jar. Unknown residues
     * (ligands, rare modifications) then get an empty definition instead of a download.
     */
    private static synchronized void useOfflineChemComps() {
        if (!(ChemCompGroupFactory.getChemCompProvider() instanceof ReducedChemCompProvider)) {
            ChemCompGroupFactory.setChemCompProvider(new ReducedChemCompProvider());
        }
    }

    private static FileParsingParameters offlineParameters() {
        FileParsingParameters p = new FileParsingParameters();
        p.setAlignSeqRes(false);        // SEQRES alignment is not needed and is slow
        p.setParseBioAssembly(false);
        p.setCreateAtomBonds(false);
        p.setParseSecStruc(false);
        p.setHeaderOnly(false);
        p.setParseCAOnly(false);
        // By default BioJava keeps only CA atoms above 500,000 atoms, which would corrupt the electron counts.
        p.setAtomCaThreshold(Integer.MAX_VALUE);
        p.setMaxAtoms(Integer.MAX_VALUE);
        return p;
    }

    /**
     * @param coarseGrained the file is one of our one-site-per-residue models: the site's B-factor holds the residue's
     *                      electron count, since the other atoms are gone
     */
    private static AtomicModel coarseGrain(Path file, Format format, Structure structure, boolean coarseGrained) {
        List<String> chains = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        StringBuilder insertionCodes = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> sites = new ArrayList<>();
        List<double[]> positions = new ArrayList<>();
        List<Double> electrons = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int dropped = 0;
        for (Chain chain : structure.getNonPolyChains(0)) dropped += chain.getAtomGroups().size();
        for (Chain chain : structure.getWaterChains(0)) dropped += chain.getAtomGroups().size();

        Map<String, Group> seen = new HashMap<>();
        for (Chain chain : structure.getPolyChains(0)) {
            for (Group group : chain.getAtomGroups()) {
                if (group.isWater()) { dropped++; continue; }
                String siteName = siteAtomName(group);
                if (siteName == null) { dropped++; continue; }            // a ligand BioJava left in the polymer chain
                // one residue per (chain, number, insertion code): a second copy would be counted twice (as a second
                // site, or, when BioJava merges adjacent copies into one group, as doubled electrons)
                if (seen.putIfAbsent(residueKey(chain.getName(), group), group) != null || repeatsAtoms(group))
                    throw duplicateResidue(file, format, chain.getName(), group);
                Atom site = group.getAtom(siteName);
                if (site == null) { skipped.add(label(chain, group)); continue; }
                chains.add(chain.getName());
                numbers.add(group.getResidueNumber().getSeqNum());
                Character ins = group.getResidueNumber().getInsCode();
                insertionCodes.append(ins == null ? ' ' : ins.charValue());
                names.add(group.getPDBName());
                sites.add(siteName);
                positions.add(new double[] {site.getX(), site.getY(), site.getZ()});
                electrons.add(coarseGrained ? site.getTempFactor() : (double) electronCount(group));
            }
        }
        if (chains.isEmpty()) {
            throw new InputException(file, null, "no protein or nucleic-acid residues (" + dropped + " waters/ligands dropped"
                    + (skipped.isEmpty() ? "" : ", " + skipped.size() + " residues without CA/C1'") + ")");
        }
        if (!skipped.isEmpty()) {
            LOG.warn("{}: skipped {} residues without a CA (amino acid) or C1' (nucleotide) atom: {}", file, skipped.size(),
                    skipped.size() <= 10 ? skipped : skipped.subList(0, 10) + " ...");
        }
        LOG.debug("{}: {} residues, {} waters/ligands dropped", file, chains.size(), dropped);

        int n = chains.size();
        double[] xyz = new double[3 * n];
        for (int i = 0; i < n; i++) System.arraycopy(positions.get(i), 0, xyz, 3 * i, 3);
        return new AtomicModel(chains.toArray(String[]::new), numbers.stream().mapToInt(Integer::intValue).toArray(),
                insertionCodes.toString().toCharArray(), names.toArray(String[]::new), sites.toArray(String[]::new),
                xyz, electrons.stream().mapToDouble(Double::doubleValue).toArray(), skipped.size());
    }

    private static String residueKey(String chain, Group group) {
        Character ins = group.getResidueNumber().getInsCode();
        return chain + ":" + group.getResidueNumber().getSeqNum() + (ins == null || ins == ' ' ? "" : ins.toString());
    }

    /**
     * True when an atom name (with its altloc) occurs twice in the group: two copies of one residue that BioJava put
     * into one group. Alternate locations are not repeats: BioJava keeps the first altloc in the group and the others
     * in separate alternate groups.
     */
    private static boolean repeatsAtoms(Group group) {
        Set<String> names = new HashSet<>();
        for (Atom a : group.getAtoms())
            if (!names.add(a.getName() + "/" + (a.getAltLoc() == null ? ' ' : a.getAltLoc()))) return true;
        return false;
    }

    private static InputException duplicateResidue(Path file, Format format, String chain, Group group) {
        Character ins = group.getResidueNumber().getInsCode();
        char icode = ins == null ? ' ' : ins;
        int number = group.getResidueNumber().getSeqNum();
        String label = chain + ":" + number + (icode == ' ' ? "" : String.valueOf(icode)) + " (" + group.getPDBName() + ")";
        int[] lines = ResidueLines.locate(file, format == Format.MMCIF, chain, number, icode);
        String where = lines != null ? "line " + lines[1] : "chain " + chain + ", residue " + number
                + (icode == ' ' ? "" : String.valueOf(icode));
        return new InputException(file, where, "residue " + label + " appears twice"
                + (lines != null ? " (first at line " + lines[0] + ", again at line " + lines[1] + ")" : "")
                + ": the same chain, residue number and insertion code must not name two residues, or the residue "
                + "would be counted twice; remove the copy or renumber it (alternate conformations belong in the "
                + "altLoc column, and only the first altloc is used)");
    }

    /**
     * CA for amino acids, C1' for nucleotides, null for anything else. A group BioJava's reduced dictionary
     * does not know (a rare modified residue inside the chain) counts as a residue when it carries a carbon CA
     * or a C1', the way cryoSPHERE's own selection works; otherwise it is a ligand.
     */
    private static String siteAtomName(Group group) {
        if (group.getType() == GroupType.AMINOACID) return AtomicModel.AMINO_ACID_SITE;
        if (group.getType() == GroupType.NUCLEOTIDE) return AtomicModel.NUCLEOTIDE_SITE;
        Atom ca = group.getAtom(AtomicModel.AMINO_ACID_SITE);
        if (ca != null && ca.getElement() != null && ca.getElement().getAtomicNumber() == 6) return AtomicModel.AMINO_ACID_SITE;
        if (group.getAtom(AtomicModel.NUCLEOTIDE_SITE) != null) return AtomicModel.NUCLEOTIDE_SITE;
        return null;
    }

    /** Electrons of the atoms present (hydrogens included when the file has them); BioJava keeps the first altloc in the group. */
    private static int electronCount(Group group) {
        int total = 0;
        for (Atom atom : group.getAtoms()) total += atom.getElement().getAtomicNumber();
        return total;
    }

    private static String label(Chain chain, Group group) {
        return chain.getName() + ":" + group.getPDBName() + group.getResidueNumber().getSeqNum()
                + (group.getResidueNumber().getInsCode() == null ? "" : group.getResidueNumber().getInsCode().toString());
    }
}
